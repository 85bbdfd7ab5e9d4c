// The fast reader's scanner: it reads the usual body, `{"transfers":[{"sender":"a",
// "recipient":"b","amount":1.5},...],"atomic":true}`, straight from its bytes into columns of
// account indexes and minor units, making no string and no object per transfer. It accepts only
// what it is sure of: a body that JSON.parse and the route's schema would accept, naming known
// accounts, with amounts the core would take as they are. Anything else (an escape, an exponent, a
// string amount, an unknown name, a duplicate key, a broken body) makes it give up, and the route
// reads the body the ordinary way, which gives every answer and every error its usual form.

import { AMOUNT_MINOR_MAX, BATCH_SIZE_MAX, MINOR_PER_MAJOR, toMajor } from "../../core/index.js";
import type { Ledger, ResolvedTransfers } from "../../core/internal.js";
import { FNV_OFFSET_BASIS, fnvStep, type NameBytesIndex } from "./name-index.js";

const TAB = 0x09;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const COMMA = 0x2c;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const COLON = 0x3a;
const OPEN_BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const NO_BYTES = new Uint8Array(0);
/** What `peek` returns past the last byte. */
const END = -1;
/** What the readers return when they give up. */
const GIVE_UP = -1;

// The keys, as bit flags so that an object can tell which it has seen.
const SENDER = 1;
const RECIPIENT = 2;
const AMOUNT = 4;
const TRANSFER_KEYS = SENDER | RECIPIENT | AMOUNT;
const TRANSFERS = 8;
const ATOMIC = 16;
const BODY_KEYS = TRANSFERS | ATOMIC;
const keyBytes = (key: string, flag: number) => [Buffer.from(key, "latin1"), flag] as const;
const SENDER_KEY = keyBytes("sender", SENDER);
const RECIPIENT_KEY = keyBytes("recipient", RECIPIENT);
const AMOUNT_KEY = keyBytes("amount", AMOUNT);
const TRANSFERS_KEY = keyBytes("transfers", TRANSFERS);
const ATOMIC_KEY = keyBytes("atomic", ATOMIC);
const [S, M, R] = [0x73, 0x6d, 0x72];
const TRUE_BYTES = Buffer.from("true", "latin1");
const FALSE_BYTES = Buffer.from("false", "latin1");

// A major part of at most 13 digits keeps every amount read below 2^53 minor units.
const MAJOR_DIGITS_MAX = String(toMajor(AMOUNT_MINOR_MAX)).length;

/** A batch body read by the fast reader: resolved columns, and the body's meaning for fingerprints. */
export class ScannedBatch implements ResolvedTransfers {
  constructor(
    readonly count: number,
    readonly senders: Int32Array,
    readonly recipients: Int32Array,
    readonly amountsMinor: Float64Array,
    /** `atomic` as sent, or undefined when the body left it out. */
    readonly atomicSent: boolean | undefined,
    private readonly ledger: Ledger,
  ) {}

  /** `atomic` as the route runs it: as sent, or the schema's default, true. */
  get atomic(): boolean {
    return this.atomicSent ?? true;
  }

  /** Whether every transfer of the batch is sent by the account named `name`. */
  sentOnlyBy(name: string): boolean {
    const account = this.ledger.find(name);
    if (account === undefined) return false;
    for (let index = 0; index < this.count; index++) if (this.senders[index] !== account) return false;
    return true;
  }

  /**
   * The body as the ordinary path would give it to the route (JSON.parse, then the schema's
   * defaults), so that an idempotency fingerprint does not depend on which reader ran.
   */
  toJSON(): { transfers: { sender: string; recipient: string; amount: number }[]; atomic: boolean } {
    const transfers = Array.from({ length: this.count }, (_, index) => ({
      sender: this.ledger.nameAt(this.senders[index] as number),
      recipient: this.ledger.nameAt(this.recipients[index] as number),
      // The double nearest to minor / 100 is the one JSON.parse made of the amount's digits.
      amount: toMajor(this.amountsMinor[index] as number),
    }));
    return { transfers, atomic: this.atomic };
  }
}

/** Reads batch bodies for one bank; its column buffers are reused from body to body. */
export class BatchScanner {
  private bytes: Uint8Array = NO_BYTES;
  private at = 0;
  private readonly senders = new Int32Array(BATCH_SIZE_MAX);
  private readonly recipients = new Int32Array(BATCH_SIZE_MAX);
  private readonly amountsMinor = new Float64Array(BATCH_SIZE_MAX);

  constructor(private readonly ledger: Ledger, private readonly names: NameBytesIndex) {}

  /** The batch in `bytes`, or null when the ordinary reader must judge it. */
  scan(bytes: Uint8Array): ScannedBatch | null {
    this.bytes = bytes;
    this.at = 0;
    try {
      return this.body();
    } finally {
      this.bytes = NO_BYTES;
    }
  }

  private body(): ScannedBatch | null {
    if (this.peek() !== OPEN_BRACE) return null;
    this.at++;
    let count = GIVE_UP;
    let atomic: boolean | undefined;
    let seen = 0;
    for (;;) {
      const key = this.key();
      if (key === GIVE_UP || (key & BODY_KEYS) === 0 || (seen & key) !== 0) return null;
      seen |= key;
      if (key === TRANSFERS) {
        count = this.transfers();
        if (count === GIVE_UP) return null;
      } else {
        const value = this.boolean();
        if (value === undefined) return null;
        atomic = value;
      }
      const byte = this.peek();
      this.at++;
      if (byte === CLOSE_BRACE) break;
      if (byte !== COMMA) return null;
    }
    if (count === GIVE_UP || this.peek() !== END) return null;
    return new ScannedBatch(
      count,
      this.senders.slice(0, count),
      this.recipients.slice(0, count),
      this.amountsMinor.slice(0, count),
      atomic,
      this.ledger,
    );
  }

  /** `[transfer, ...]`: the count read, or GIVE_UP. */
  private transfers(): number {
    if (this.peek() !== OPEN_BRACKET) return GIVE_UP;
    this.at++;
    let count = 0;
    for (;;) {
      if (count === BATCH_SIZE_MAX || !this.transfer(count)) return GIVE_UP;
      count++;
      const byte = this.peek();
      this.at++;
      if (byte === CLOSE_BRACKET) return count;
      if (byte !== COMMA) return GIVE_UP;
    }
  }

  /** `{"sender":..,"recipient":..,"amount":..}` in any order, into the columns at `index`. */
  private transfer(index: number): boolean {
    if (this.peek() !== OPEN_BRACE) return false;
    this.at++;
    let seen = 0;
    for (;;) {
      const key = this.key();
      if (key === GIVE_UP || (key & TRANSFER_KEYS) === 0 || (seen & key) !== 0) return false;
      seen |= key;
      const value = key === AMOUNT ? this.amountMinor() : this.account();
      if (value === GIVE_UP) return false;
      if (key === SENDER) this.senders[index] = value;
      else if (key === RECIPIENT) this.recipients[index] = value;
      else this.amountsMinor[index] = value;
      const byte = this.peek();
      this.at++;
      if (byte === CLOSE_BRACE) return seen === TRANSFER_KEYS;
      if (byte !== COMMA) return false;
    }
  }

  /** `"key":`, the key's flag, or GIVE_UP for a key of neither object. */
  private key(): number {
    const bytes = this.bytes;
    if (this.peek() !== QUOTE) return GIVE_UP;
    const start = ++this.at;
    let end = start;
    while (end < bytes.length && bytes[end] !== QUOTE) end++;
    if (end === bytes.length) return GIVE_UP;
    this.at = end + 1;
    if (this.peek() !== COLON) return GIVE_UP;
    this.at++;
    this.peek();
    // Told apart by length and one byte, then compared in full.
    const candidate = end - start === 6
      ? (bytes[start] === S ? SENDER_KEY : bytes[start + 1] === M ? AMOUNT_KEY : ATOMIC_KEY)
      : (bytes[start] === R ? RECIPIENT_KEY : TRANSFERS_KEY);
    const [expected, flag] = candidate;
    return end - start === expected.length && this.matches(expected, start) ? flag : GIVE_UP;
  }

  private matches(expected: Uint8Array, start: number): boolean {
    for (let index = 0; index < expected.length; index++) {
      if (this.bytes[start + index] !== expected[index]) return false;
    }
    return true;
  }

  /** A name without escapes: its account's index, or GIVE_UP when it is not a known account. */
  private account(): number {
    const bytes = this.bytes;
    if (bytes[this.at] !== QUOTE) return GIVE_UP;
    const start = ++this.at;
    let hash = FNV_OFFSET_BASIS;
    for (let at = start; at < bytes.length; at++) {
      const byte = bytes[at] as number;
      if (byte === QUOTE) {
        this.at = at + 1;
        return this.names.find(bytes, start, at, hash);
      }
      if (byte < SPACE || byte === BACKSLASH) return GIVE_UP;
      hash = fnvStep(hash, byte);
    }
    return GIVE_UP;
  }

  /**
   * A positive JSON number of at most two decimals and no exponent, in minor units, or GIVE_UP.
   * Digits that follow (a third decimal) are left for the caller, which then finds no delimiter.
   */
  private amountMinor(): number {
    const bytes = this.bytes;
    const start = this.at;
    let major = 0;
    let at = start;
    for (; at < bytes.length && isDigit(bytes[at] as number); at++) major = major * 10 + (bytes[at] as number) - ZERO;
    const majorDigits = at - start;
    // JSON allows no leading zero, and a major part too long is not money.
    if (majorDigits === 0 || majorDigits > MAJOR_DIGITS_MAX || (bytes[start] === ZERO && majorDigits > 1)) return GIVE_UP;
    let minor = major * MINOR_PER_MAJOR;
    if (bytes[at] === DOT) {
      const tenths = (bytes[at + 1] as number) - ZERO;
      if (!(tenths >= 0 && tenths <= 9)) return GIVE_UP;
      minor += tenths * 10;
      at += 2;
      const hundredths = (bytes[at] as number) - ZERO;
      if (hundredths >= 0 && hundredths <= 9) {
        minor += hundredths;
        at++;
      }
    }
    this.at = at;
    return minor > 0 && minor <= AMOUNT_MINOR_MAX ? minor : GIVE_UP;
  }

  private boolean(): boolean | undefined {
    if (this.matches(TRUE_BYTES, this.at)) {
      this.at += TRUE_BYTES.length;
      return true;
    }
    if (this.matches(FALSE_BYTES, this.at)) {
      this.at += FALSE_BYTES.length;
      return false;
    }
    return undefined;
  }

  /** Skips JSON whitespace; the byte there, or END. */
  private peek(): number {
    const bytes = this.bytes;
    let at = this.at;
    for (; at < bytes.length; at++) {
      const byte = bytes[at] as number;
      if (byte !== SPACE && byte !== LINE_FEED && byte !== CARRIAGE_RETURN && byte !== TAB) break;
    }
    this.at = at;
    return at < bytes.length ? (bytes[at] as number) : END;
  }
}

function isDigit(byte: number): boolean {
  return byte >= ZERO && byte <= NINE;
}
