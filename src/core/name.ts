// Account names: any string a person would type, within bounds the HTTP layer and logs can carry.

import { InvalidNameError } from "./errors.js";
import { NAME_LENGTH_MAX } from "./limits.js";

// C0 and C1 control characters (Unicode category Cc), which no account name needs.
const CONTROL_CHARACTER = /\p{Cc}/u;

/**
 * Checks an account name: a well-formed string of 1 to NAME_LENGTH_MAX code points with no control
 * characters. Names are case-sensitive and taken as they are (no trimming, no normalisation).
 *
 * @throws InvalidNameError saying what is wrong.
 */
export function validateName(name: unknown): string {
  const problem = nameProblem(name);
  if (problem !== null) throw new InvalidNameError(problem);
  return name as string;
}

/** What is wrong with a name, or null when it is valid. Never throws (for the bulk path). */
export function nameProblem(name: unknown): string | null {
  if (typeof name !== "string") return "Account name must be a string";
  if (name.length === 0) return "Account name cannot be empty";
  // A code point takes at most two UTF-16 units, so only names near the limit need counting.
  if (name.length > NAME_LENGTH_MAX && codePointCount(name) > NAME_LENGTH_MAX) {
    return `Account name cannot be longer than ${NAME_LENGTH_MAX} characters`;
  }
  if (!name.isWellFormed()) return "Account name must be well-formed Unicode";
  if (CONTROL_CHARACTER.test(name)) return "Account name cannot contain control characters";
  return null;
}

function codePointCount(text: string): number {
  let surrogatePairs = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) surrogatePairs++;
  }
  return text.length - surrogatePairs;
}
