// The one strict reader of JSON request bodies: bytes in, a value or a precise refusal out. A body
// must be well-formed UTF-8 (never patched with U+FFFD), nest at most JSON_DEPTH_MAX deep (checked
// on the text, before anything recurses over it), be JSON, and name no key twice in one object.

import { isAscii, isUtf8 } from "node:buffer";
import type { FastifyRequest } from "fastify";
import { AssertionError } from "../core/index.js";
import { HttpRefusal } from "./errors.js";
import { JSON_DEPTH_MAX } from "./limits.js";

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const BYTE_ORDER_MARK = 0xfeff;

/** What `scanText` returns for a text that nests deeper than JSON_DEPTH_MAX. */
const TOO_DEEP = -1;

/** The longest key quoted in full in a refusal's detail; longer ones are cut. */
const KEY_QUOTED_LENGTH_MAX = 64;

// Fastify's own wording for these two, which clients may already match.
const NOT_JSON = "Body is not valid JSON but content-type is set to 'application/json'";
const EMPTY = "Body cannot be empty when content-type is set to 'application/json'";

export interface JsonBodyOptions {
  /**
   * Let `__proto__` keys, and `constructor` keys holding a `prototype`, through as ordinary keys.
   * Only for a route whose schema refuses every key it does not name (the batch route); elsewhere
   * they are refused, as Fastify's reader refuses them, in case a body is ever merged into an object.
   */
  allowPrototypeKeys?: boolean;
}

/**
 * Reads a JSON body from its bytes, or throws an HttpRefusal: INVALID_UTF8, JSON_TOO_DEEP,
 * MALFORMED_JSON (also for an empty body and a prototype key) or DUPLICATE_KEY. A leading byte
 * order mark is skipped, as Fastify's reader skips it.
 *
 * @example
 * readJsonBody(Buffer.from('{"amount": 5}')); // { amount: 5 }
 * readJsonBody(Buffer.from('{"a": 1, "a": 2}')); // throws: Body has the key 'a' twice in one object
 */
export function readJsonBody(bytes: Buffer, options: JsonBodyOptions = {}): unknown {
  if (bytes.length === 0) throw new HttpRefusal("MALFORMED_JSON", EMPTY);
  const text = decoded(bytes);
  // Fewer brackets than the limit cannot nest past it; only bodies with more pay for the scan,
  // which also counts their members.
  let members: number | undefined;
  if (occurrences(text, "{", JSON_DEPTH_MAX) + occurrences(text, "[", JSON_DEPTH_MAX) > JSON_DEPTH_MAX) {
    members = scanText(text);
    if (members === TOO_DEEP) {
      throw new HttpRefusal("JSON_TOO_DEEP", `Body nests arrays and objects more than ${JSON_DEPTH_MAX} deep`);
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpRefusal("MALFORMED_JSON", NOT_JSON);
  }
  const keys = typeof value === "object" && value !== null ? keysIn(value, options.allowPrototypeKeys === true) : 0;
  if (namesAKeyTwice(text, keys, members)) {
    throw new HttpRefusal("DUPLICATE_KEY", `Body has the key '${quoted(firstDuplicateKey(text))}' twice in one object`);
  }
  return value;
}

/**
 * The text of `bytes`, without a leading byte order mark. Latin-1 is the same text for ASCII and a
 * cheaper conversion; isUtf8 refuses what toString would silently turn into U+FFFD, so that two
 * different byte strings never read as one.
 */
function decoded(bytes: Buffer): string {
  if (isAscii(bytes)) return bytes.toString("latin1");
  if (!isUtf8(bytes)) throw new HttpRefusal("INVALID_UTF8", "Body is not well-formed UTF-8");
  const text = bytes.toString("utf8");
  return text.charCodeAt(0) === BYTE_ORDER_MARK ? text.slice(1) : text;
}

/**
 * Whether `text`, parsed into `keys` keys, names a key twice in one object. JSON.parse keeps the
 * last of two equal keys, so the value has fewer keys than the text has members exactly then.
 * Each member has one colon outside strings (`members`, when the text was scanned); when no
 * string holds a colon either, counting every colon is enough.
 */
function namesAKeyTwice(text: string, keys: number, members: number | undefined): boolean {
  if (members !== undefined) return keys !== members;
  return keys !== occurrences(text, ":", keys) && keys !== scanText(text);
}

/** How many times `char` occurs in `text`, counting no further than one past `max`. */
function occurrences(text: string, char: string, max = Infinity): number {
  let count = 0;
  for (let at = text.indexOf(char); at !== -1 && count <= max; at = text.indexOf(char, at + 1)) count++;
  return count;
}

/**
 * One pass over the text outside its strings: the number of colons, which in JSON is the number of
 * object members, or TOO_DEEP as soon as arrays and objects nest more than JSON_DEPTH_MAX deep. On
 * text that is not JSON the count means nothing, and JSON.parse refuses the text.
 */
function scanText(text: string): number {
  let depth = 0;
  let colons = 0;
  for (let at = 0; at < text.length; at++) {
    const char = text.charCodeAt(at);
    if (char === QUOTE) {
      at = closingQuote(text, at);
    } else if (char === COLON) {
      colons++;
    } else if (char === OPEN_BRACE || char === OPEN_BRACKET) {
      if (++depth > JSON_DEPTH_MAX) return TOO_DEEP;
    } else if (char === CLOSE_BRACE || char === CLOSE_BRACKET) {
      depth--;
    }
  }
  return colons;
}

/** Where the string opened at `open` ends: its closing quote, or the end of an unterminated one. */
function closingQuote(text: string, open: number): number {
  let at = text.indexOf('"', open + 1);
  while (at !== -1) {
    // A quote preceded by an odd number of backslashes is escaped.
    let backslashes = 0;
    while (text.charCodeAt(at - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
    at = text.indexOf('"', at + 1);
  }
  return text.length;
}

/**
 * The number of keys of every object in `value`, which JSON_DEPTH_MAX keeps shallow enough to
 * recurse over. Refuses the keys secure-json-parse (Fastify's reader) refuses, which could reach an
 * object's prototype, unless `allowPrototypeKeys`.
 */
function keysIn(value: object, allowPrototypeKeys: boolean): number {
  let count = 0;
  if (Array.isArray(value)) {
    for (const item of value) if (typeof item === "object" && item !== null) count += keysIn(item, allowPrototypeKeys);
    return count;
  }
  const object = value as Record<string, unknown>;
  for (const key in object) {
    const member = object[key];
    if (!allowPrototypeKeys && (key === "__proto__" || (key === "constructor" && hasPrototype(member)))) {
      throw new HttpRefusal("MALFORMED_JSON", `Body has the forbidden key '${key}'`);
    }
    count++;
    if (typeof member === "object" && member !== null) count += keysIn(member, allowPrototypeKeys);
  }
  return count;
}

function hasPrototype(value: unknown): boolean {
  return typeof value === "object" && value !== null && Object.hasOwn(value, "prototype");
}

/**
 * The first key named twice in one object of `text`, which is JSON that has one. Walks the text
 * with a stack of the keys seen in each open object (null for an array); only refusals pay for it.
 */
function firstDuplicateKey(text: string): string {
  const open: (Set<string> | null)[] = [];
  for (let at = 0; at < text.length; at++) {
    const char = text.charCodeAt(at);
    if (char === OPEN_BRACE) {
      open.push(new Set());
    } else if (char === OPEN_BRACKET) {
      open.push(null);
    } else if (char === CLOSE_BRACE || char === CLOSE_BRACKET) {
      open.pop();
    } else if (char === QUOTE) {
      const end = closingQuote(text, at);
      const keys = open[open.length - 1];
      // In an object a string is a key exactly when it follows "{" or ","; values follow ":".
      if (keys !== null && keys !== undefined && isKeyPosition(text, at)) {
        const key = JSON.parse(text.slice(at, end + 1)) as string;
        if (keys.has(key)) return key;
        keys.add(key);
      }
      at = end;
    }
  }
  /* v8 ignore next -- keysIn counted fewer keys than the text holds, so some object names one twice. */
  throw new AssertionError("Invariant broken: a duplicate key was counted but not found");
}

/** Whether the string opening at `at` follows "{" or "," (after whitespace). */
function isKeyPosition(text: string, at: number): boolean {
  let before = at - 1;
  while (isJsonSpace(text.charCodeAt(before))) before--;
  const char = text.charCodeAt(before);
  return char === OPEN_BRACE || char === COMMA;
}

function isJsonSpace(char: number): boolean {
  return char === 0x20 || char === 0x0a || char === 0x0d || char === 0x09;
}

function quoted(key: string): string {
  return key.length > KEY_QUOTED_LENGTH_MAX ? `${key.slice(0, KEY_QUOTED_LENGTH_MAX)}…` : key;
}

/**
 * `readJsonBody` as the app's content type parser for `application/json`, with Fastify's own
 * reading of the bytes before it (the body limit's 413, a body shorter than its Content-Length).
 */
export function jsonBodyParser(
  _request: FastifyRequest,
  bytes: Buffer,
  done: (error: Error | null, body?: unknown) => void,
): void {
  let value: unknown;
  try {
    value = readJsonBody(bytes);
  } catch (error) {
    return done(error as HttpRefusal);
  }
  done(null, value);
}
