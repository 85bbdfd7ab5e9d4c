// Opening an account: a name and an opening balance. Where access control is on, the server
// answers with the holder's token, once: it is shown here, for the person to hand on.

import { request } from "../api.js";
import { h } from "../dom.js";
import { field, SubmissionForm } from "../form.js";
import { formatAmount } from "../money.js";
import { href } from "../router.js";
import type { View, ViewContext } from "./view.js";

interface Created {
  readonly name: string;
  readonly balance: number;
  readonly message: string;
  readonly token?: string;
}

export function openView(context: ViewContext): View {
  const name = field("open", "name", { label: "Name", hint: "1 to 64 characters; case-sensitive." });
  const initial = field("open", "initial_balance", { label: "Opening balance", value: "0", inputmode: "decimal", hint: "Zero or more, at most 2 decimals." });
  const status = h("p", { class: "form-status", id: "open-status" });
  const after = h("div", { class: "after" });
  const form = h(
    "form",
    { class: "card", "aria-labelledby": "open-heading" },
    h("h2", { id: "open-heading" }, "New account"),
    name.wrapper,
    initial.wrapper,
    h("div", { class: "form-actions" }, h("button", { type: "submit" }, "Open the account"), status),
  );
  new SubmissionForm<Created>({
    form,
    fields: [name, initial],
    status,
    announce: context.announce,
    check: (values) => (values.name === "" ? { name: "Give the account a name" } : {}),
    send: (values, idempotencyKey) =>
      request<Created>("POST", "/accounts", {
        body: { name: values.name, initial_balance: values.initial_balance?.trim() || "0" },
        idempotencyKey,
      }),
    success: ({ body }) => `${body.message} Balance: ${formatAmount(body.balance)}.`,
    after: ({ body }) => {
      after.replaceChildren(h("p", {}, h("a", { href: href("account", {}, body.name) }, `Go to ${body.name}'s account`)));
      if (body.token !== undefined) {
        after.append(
          h(
              "div",
              { class: "token" },
              h("p", {}, "The account holder's token, shown this once: it lets its holder read this account and move money out of it."),
              h("output", { class: "secret", "aria-label": "Holder token" }, body.token),
            ),
        );
      }
    },
  });
  context.main.append(context.heading("Open an account"), form, after);
  context.ready();
  return {};
}
