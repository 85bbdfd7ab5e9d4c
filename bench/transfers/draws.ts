// The random transfers of one benchmark run, drawn into typed arrays before the clock starts, with
// the balances they must leave behind, so that only the bank's work is timed and then checked.

import { Random } from "../common/random.js";

/** The seed's plan: ten accounts of 1,000,000.00 each, transfers of 1.00 to 1000.00. */
export const ACCOUNT_COUNT = 10;
export const OPENING_BALANCE = 1_000_000;
export const OPENING_BALANCE_MINOR = OPENING_BALANCE * 100;
const AMOUNT_MIN_MINOR = 100;
const AMOUNT_MAX_MINOR = 100_000;

/**
 * "valid": the recipient is drawn from the nine other accounts, so every transfer is accepted.
 * "mix": sender and recipient are drawn independently, as in the seed, so about one draw in ten
 * names the same account twice and is refused.
 */
export type Scenario = "valid" | "mix";

export interface Draws {
  readonly senders: Uint8Array;
  readonly recipients: Uint8Array;
  /** In major units (25.5), the form callers of `account.transfer` use. */
  readonly amounts: Float64Array;
  /** Draws that name the same account twice: the bank must refuse exactly these. */
  readonly sameAccount: number;
  /** Draws whose direction was swapped because the drawn sender could not pay. */
  readonly reversed: number;
  /** What each balance must be once every accepted transfer is applied. */
  readonly finalBalancesMinor: readonly number[];
}

/**
 * Draws `count` transfers. A random walk of balances would, over tens of millions of transfers,
 * drain some account; the seed would then also count insufficient-funds refusals, which would blur
 * both scenarios. So the draws follow the balances: when the drawn sender cannot pay, the transfer
 * goes the other way, and the only refusals left are the same-account ones.
 */
export function drawTransfers(scenario: Scenario, count: number, seed: number): Draws {
  const random = new Random(seed);
  const senders = new Uint8Array(count);
  const recipients = new Uint8Array(count);
  const amounts = new Float64Array(count);
  const balancesMinor = new Array<number>(ACCOUNT_COUNT).fill(OPENING_BALANCE_MINOR);
  let sameAccount = 0;
  let reversed = 0;
  for (let i = 0; i < count; ) {
    let sender = random.below(ACCOUNT_COUNT);
    let recipient = drawRecipient(random, scenario, sender);
    const amountMinor = AMOUNT_MIN_MINOR + random.below(AMOUNT_MAX_MINOR - AMOUNT_MIN_MINOR + 1);
    if (sender === recipient) {
      sameAccount++;
    } else {
      if ((balancesMinor[sender] as number) < amountMinor) {
        // Both sides short cannot last (the total is 10,000,000.00); simply draw again.
        if ((balancesMinor[recipient] as number) < amountMinor) continue;
        [sender, recipient] = [recipient, sender];
        reversed++;
      }
      (balancesMinor[sender] as number) -= amountMinor;
      (balancesMinor[recipient] as number) += amountMinor;
    }
    senders[i] = sender;
    recipients[i] = recipient;
    // Exact: an integer count of cents over 100 is the double nearest to the two-decimal amount.
    amounts[i] = amountMinor / 100;
    i++;
  }
  return { senders, recipients, amounts, sameAccount, reversed, finalBalancesMinor: balancesMinor };
}

function drawRecipient(random: Random, scenario: Scenario, sender: number): number {
  if (scenario === "mix") return random.below(ACCOUNT_COUNT);
  const other = random.below(ACCOUNT_COUNT - 1);
  return other >= sender ? other + 1 : other;
}
