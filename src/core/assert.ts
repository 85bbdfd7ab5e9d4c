// Invariants the code relies on. A failed assertion is a bug in the bank, never a refusal: it
// crashes loudly instead of letting a wrong balance live on.

/** Thrown when an invariant does not hold. Never caught by the bank. */
export class AssertionError extends Error {
  override readonly name = "AssertionError";
}

/** Crashes with `message` unless `condition` holds. */
export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new AssertionError(`Invariant broken: ${message}`);
}
