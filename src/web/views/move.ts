// Moving money: a deposit, a withdrawal and a transfer, each its own form. A holder's token may
// only take money out of its own account, so for a holder the account is fixed and there is no
// deposit. `?account=` fills the account in; `?form=` says which form to start in.

import { accountPath, request } from "../api.js";
import { h } from "../dom.js";
import { field, SubmissionForm, type Field } from "../form.js";
import { formatAmount } from "../money.js";
import { accountSuggestions } from "./suggestions.js";
import type { View, ViewContext } from "./view.js";

interface CashAnswer {
  readonly name: string;
  readonly balance: number;
  readonly message: string;
}

interface TransferAnswer {
  readonly sender: { readonly name: string; readonly balance: number };
  /** Without its balance when the caller is an account holder, who sees no other account's. */
  readonly recipient: { readonly name: string; readonly balance?: number };
  readonly message: string;
}

const amountField = (prefix: string) => field(prefix, "amount", { label: "Amount", inputmode: "decimal", hint: "More than zero, at most 2 decimals." });

/** Required fields left empty, with what to do about each. */
function required(values: Record<string, string>, labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).filter(([name]) => (values[name] ?? "").trim() === "").map(([name, text]) => [name, text]));
}

function card(id: string, title: string, fields: readonly Field[], button: string, status: HTMLElement): HTMLFormElement {
  return h(
    "form",
    { class: "card", id, "aria-labelledby": `${id}-heading` },
    h("h2", { id: `${id}-heading` }, title),
    ...fields.map((field) => field.wrapper),
    h("div", { class: "form-actions" }, h("button", { type: "submit" }, button), status),
  );
}

export function moveView(context: ViewContext): View {
  const { holder } = context;
  const account = holder ?? context.route.params.get("account") ?? "";
  const fixed = holder !== null;
  const suggestions = accountSuggestions(context.signal);
  const forms: HTMLFormElement[] = [];

  const cash = (kind: "deposit" | "withdraw") => {
    const prefix = kind;
    const name = field(prefix, "account", { label: "Account", value: account, readonly: fixed });
    const amount = amountField(prefix);
    const status = h("p", { class: "form-status" });
    const title = kind === "deposit" ? "Deposit" : "Withdraw";
    const form = card(kind, title, [name, amount], title, status);
    if (!fixed) suggestions.follow(name.input);
    new SubmissionForm<CashAnswer>({
      form,
      fields: [name, amount],
      status,
      announce: context.announce,
      check: (values) => required(values, { account: "Which account?", amount: "How much?" }),
      send: (values, idempotencyKey) =>
        request<CashAnswer>("POST", accountPath(values.account ?? "", kind === "deposit" ? "/deposits" : "/withdrawals"), {
          body: { amount: (values.amount ?? "").trim() },
          idempotencyKey,
        }),
      success: ({ body }) => `${body.message}. Balance of ${body.name}: ${formatAmount(body.balance)}.`,
    });
    forms.push(form);
    return form;
  };

  const transfer = () => {
    const sender = field("transfer", "sender", { label: "From", value: account, readonly: fixed });
    const recipient = field("transfer", "recipient", { label: "To" });
    const amount = amountField("transfer");
    const status = h("p", { class: "form-status" });
    const form = card("transfer", "Transfer", [sender, recipient, amount], "Transfer", status);
    if (!fixed) suggestions.follow(sender.input);
    if (!fixed) suggestions.follow(recipient.input);
    new SubmissionForm<TransferAnswer>({
      form,
      fields: [sender, recipient, amount],
      status,
      announce: context.announce,
      check: (values) => required(values, { sender: "From which account?", recipient: "To which account?", amount: "How much?" }),
      send: (values, idempotencyKey) =>
        request<TransferAnswer>("POST", "/transfers", {
          body: { sender: values.sender, recipient: values.recipient, amount: (values.amount ?? "").trim() },
          idempotencyKey,
        }),
      success: ({ body }) =>
        body.recipient.balance === undefined
          ? `${body.message}. Balance of ${body.sender.name}: ${formatAmount(body.sender.balance)}.`
          : `${body.message}. Balances: ${body.sender.name} ${formatAmount(body.sender.balance)}, ` +
            `${body.recipient.name} ${formatAmount(body.recipient.balance)}.`,
    });
    forms.push(form);
    return form;
  };

  context.main.append(
    context.heading("Move money"),
    h("div", { class: "cards" }, fixed ? null : cash("deposit"), cash("withdraw"), transfer()),
    suggestions.list,
  );
  // Straight to the form asked for, on its first field that is not filled in already.
  const wanted = forms.find((form) => form.id === context.route.params.get("form"));
  if (wanted !== undefined) {
    wanted.scrollIntoView({ block: "nearest" });
    Array.from(wanted.querySelectorAll("input")).find((input) => !input.readOnly && input.value === "")?.focus();
  }
  context.ready();
  return {};
}
