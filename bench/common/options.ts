// The one command-line parser of the benchmarks, over node:util's parseArgs. A benchmark declares
// each option once (its name, value, default, value under --quick, and description); the parser
// reads the command line from those declarations and writes --help from them.

import { parseArgs } from "node:util";

/** A command line the benchmark does not understand: the message says what, and where to look. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/**
 * One option. Its flag is its name in kebab case: `warmUp` is `--warm-up`, `noWrite` is
 * `--no-write`. An option without `parse` is a flag: present or not, no value.
 */
export interface Option<T> {
  readonly description: string;
  /** The value's name in --help, e.g. "N" or "LIST"; only for options that take a value. */
  readonly placeholder?: string;
  /** Turns the text given into the value, or throws a UsageError. */
  readonly parse?: (text: string) => T;
  readonly default: T;
  /** The value under --quick when the option is not given, if it differs from `default`. */
  readonly quick?: T;
}

/** A flag, false unless given; `quick` is its value under --quick. */
export function flag(description: string, quick?: boolean): Option<boolean> {
  return { description, default: false, ...(quick !== undefined && { quick }) };
}

/** An option that takes a value. --help shows the default (and quick) values unless they are undefined. */
export function valued<T>(
  placeholder: string,
  description: string,
  parse: (text: string) => T,
  defaultValue: T,
  quick?: T,
): Option<T> {
  return { description, placeholder, parse, default: defaultValue, ...(quick !== undefined && { quick }) };
}

export type Options = Readonly<Record<string, Option<unknown>>>;

/** A benchmark's command line: how it is run, what it does, what --quick means, and its options. */
export interface Command<O extends Options> {
  /** E.g. "npm run bench -- [options]". */
  readonly usage: string;
  readonly summary: string;
  /** What --quick does, for --help; every benchmark has a quick form. */
  readonly quick: string;
  readonly options: O;
}

/**
 * The parsed values, by option name, with `quick` and every default filled in, and the names of
 * the options given on the command line (for options that exclude each other).
 */
export type Values<O extends Options> = { readonly [K in keyof O]: O[K] extends Option<infer T> ? T : never } & {
  readonly quick: boolean;
  readonly given: ReadonlySet<keyof O | "quick">;
};

// Every benchmark has --quick and --help; `given` is the set of options given.
const RESERVED = ["quick", "help", "given"];

const kebab = (name: string) => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);

/**
 * Reads `argv` against the command's options. Prints the help and returns null for -h/--help;
 * throws a UsageError for anything it does not understand. A value given wins over the --quick
 * value, which wins over the default.
 */
export function parseCommandLine<O extends Options>(command: Command<O>, argv: readonly string[]): Values<O> | null {
  const reserved = Object.keys(command.options).filter((name) => RESERVED.includes(name));
  if (reserved.length > 0) throw new Error(`option names reserved by the parser: ${reserved.join(", ")}`);
  const config: Record<string, { type: "string" | "boolean"; short?: string }> = {
    help: { type: "boolean", short: "h" },
    quick: { type: "boolean" },
  };
  for (const [name, option] of Object.entries(command.options)) {
    config[kebab(name)] = { type: option.parse === undefined ? "boolean" : "string" };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options: config, strict: true, allowPositionals: false });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\nSee --help.`);
  }
  if (parsed.values.help === true) {
    process.stdout.write(helpText(command));
    return null;
  }
  const quick = parsed.values.quick === true;
  const given = new Set<string>(quick ? ["quick"] : []);
  const values: Record<string, unknown> = { quick, given };
  for (const [name, option] of Object.entries(command.options)) {
    const value = parsed.values[kebab(name)];
    if (value !== undefined) given.add(name);
    if (typeof value === "string" && option.parse !== undefined) values[name] = option.parse(value);
    else if (value !== undefined) values[name] = value;
    else values[name] = quick && "quick" in option ? option.quick : option.default;
  }
  return values as Values<O>;
}

function helpText<O extends Options>(command: Command<O>): string {
  const rows: [string, string][] = [["--quick", command.quick]];
  for (const [name, option] of Object.entries(command.options)) {
    const spelled = `--${kebab(name)}${option.placeholder === undefined ? "" : ` ${option.placeholder}`}`;
    rows.push([spelled, option.description + defaults(option)]);
  }
  rows.push(["-h, --help", "print this help and exit"]);
  const width = Math.max(...rows.map(([spelled]) => spelled.length)) + 4;
  const lines = rows.map(([spelled, description]) => {
    const [first, ...rest] = wrap(description, HELP_WIDTH - width);
    return [`  ${spelled.padEnd(width - 2)}${first ?? ""}`, ...rest.map((line) => `${" ".repeat(width)}${line}`)].join("\n");
  });
  return `Usage: ${command.usage}\n\n${command.summary}\n\nOptions:\n${lines.join("\n")}\n`;
}

const HELP_WIDTH = 100;

/** Words in lines of at most `width` characters (a longer word gets a line of its own). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  return [...lines, line];
}

/** " (default: 3; with --quick: 1)", for options that take a value and have one to show. */
function defaults(option: Option<unknown>): string {
  if (option.parse === undefined) return "quick" in option && option.quick === true ? " (on with --quick)" : "";
  const shown: string[] = [];
  if (option.default !== undefined) shown.push(`default: ${show(option.default)}`);
  if ("quick" in option && option.quick !== undefined) shown.push(`with --quick: ${show(option.quick)}`);
  return shown.length === 0 ? "" : ` (${shown.join("; ")})`;
}

function show(value: unknown): string {
  if (Array.isArray(value)) return value.join(",");
  if (typeof value === "number" && value >= 1_000_000 && value % 1_000_000 === 0) return `${value / 1_000_000}M`;
  return String(value);
}

/** A whole number of at least 1. */
export function positiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new UsageError(`expected a positive integer, not '${text}'`);
  return value;
}

/** A count of at least 1 written "100M", "500k", "1e6", "1_000_000" or "1000000". */
export function count(text: string): number {
  const match = /^([\d_.e]+)([kM]?)$/.exec(text);
  const value = match === null ? NaN : Number((match[1] as string).replaceAll("_", ""));
  const result = value * (match?.[2] === "M" ? 1e6 : match?.[2] === "k" ? 1e3 : 1);
  if (!Number.isSafeInteger(result) || result < 1) throw new UsageError(`not a positive count: '${text}'`);
  return result;
}

/** One of the given words. */
export function oneOf<T extends string>(words: readonly T[]): (text: string) => T {
  return (text) => {
    const word = words.find((candidate) => candidate === text);
    if (word === undefined) throw new UsageError(`expected one of ${words.join(", ")}, not '${text}'`);
    return word;
  };
}

/** A comma-separated list of values, each read by `item`; at least one. */
export function list<T>(item: (text: string) => T): (text: string) => readonly T[] {
  return (text) => {
    const items = text.split(",").filter((part) => part !== "");
    if (items.length === 0) throw new UsageError("expected a comma-separated list of at least one value");
    return items.map(item);
  };
}

/** Any text but an empty one. */
export function text(value: string): string {
  if (value === "") throw new UsageError("expected a value, not an empty text");
  return value;
}
