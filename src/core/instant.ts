// Instants as callers give them (a Date, or ms since the epoch), as ms.

import { InvalidArgumentError } from "./errors.js";

/** The instant as ms since the epoch. @throws InvalidArgumentError for an invalid Date or number */
export function instantMs(instant: Date | number, name: string): number {
  const ms = instant instanceof Date ? instant.getTime() : instant;
  if (typeof ms !== "number" || !Number.isFinite(ms)) throw new InvalidArgumentError(`'${name}' must be a valid instant`);
  return ms;
}
