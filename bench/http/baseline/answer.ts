// The answer both baselines give to POST /transfers: a body of the same shape and about the same
// size as the bank's, built from the parsed request, so that a baseline writes what we write.

/** The opening balance the benchmark gives alice, the sender: 1,000,000,000.00. */
const SENDER_OPENING_BALANCE = 1_000_000_000;

export interface TransferAnswer {
  readonly sender: { readonly name: string; readonly balance: number };
  readonly recipient: { readonly name: string; readonly balance: number };
  readonly transaction: {
    readonly id: number;
    readonly type: "transfer_out";
    readonly amount: number;
    readonly balance_after: number;
    readonly counterparty: string;
    readonly timestamp: string;
    readonly description: string;
  };
  readonly message: string;
}

/**
 * The answer to the `count`-th transfer since the start, as the bank would give it: balances move
 * by the amount each time and ids increase, so the figures have as many digits as the bank's.
 * The request is read without checks; a baseline only parses what it is sent.
 */
export function transferAnswer(request: unknown, count: number): TransferAnswer {
  const { sender, recipient, amount } = request as { sender: string; recipient: string; amount: number };
  const moved = count * amount;
  const text = amount.toFixed(2);
  return {
    sender: { name: sender, balance: SENDER_OPENING_BALANCE - moved },
    recipient: { name: recipient, balance: moved },
    transaction: {
      id: count + 3,
      type: "transfer_out",
      amount,
      balance_after: SENDER_OPENING_BALANCE - moved,
      counterparty: recipient,
      timestamp: new Date().toISOString(),
      description: `Transferred to: ${text} ${recipient}`,
    },
    message: `${text} transferred from ${sender} to ${recipient}`,
  };
}
