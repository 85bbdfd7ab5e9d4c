// Which sizes a benchmark runs: one under --quick, else its standard sizes up to --max (or up to
// --full's largest), and that largest one too. --full excludes --max and --quick.

import { UsageError } from "./options.js";

/** The options the choice reads. */
export interface SizeOptions {
  readonly full: boolean;
  readonly quick: boolean;
  readonly max: number;
  readonly given: ReadonlySet<string>;
}

/** The sizes to run, from `standard` (ascending) and the largest size of --full. */
export function sizesOf(options: SizeOptions, standard: readonly number[], fullMax: number): number[] {
  if (options.full && options.given.has("max")) throw new UsageError("--full and --max exclude each other; see --help");
  if (options.full && options.quick) throw new UsageError("--full and --quick exclude each other; see --help");
  const max = options.full ? fullMax : options.max;
  if (options.quick) return [max];
  const sizes = standard.filter((size) => size <= max);
  if (!sizes.includes(max)) sizes.push(max);
  return sizes;
}
