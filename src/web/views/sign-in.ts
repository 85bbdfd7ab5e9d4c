// Signing in, when the server asks for a credential (a 401): an API key, or an account holder's
// token with its account's name. The credential is checked before it is kept, for this tab only.

import { accountPath, request, type Problem } from "../api.js";
import { h } from "../dom.js";
import { field, SubmissionForm } from "../form.js";
import { clearCredential, saveCredential } from "../session.js";
import type { View, ViewContext } from "./view.js";

const NOT_A_KEY =
  "This credential may not read the whole bank. If it is an account's token, give the account's name too.";

export function signInView(context: ViewContext, signedIn: (account: string | null) => void): View {
  const secret = field("sign-in", "secret", { label: "API key or account token", type: "password", autocomplete: "current-password" });
  const account = field("sign-in", "account", {
    label: "Account (for an account token)",
    hint: "Leave empty for an API key.",
    autocomplete: "username",
  });
  const status = h("p", { class: "form-status" });
  const form = h(
    "form",
    { class: "card", "aria-labelledby": "sign-in-heading" },
    h("h2", { id: "sign-in-heading" }, "Credential"),
    secret.wrapper,
    account.wrapper,
    h("div", { class: "form-actions" }, h("button", { type: "submit" }, "Sign in"), status),
  );
  new SubmissionForm<unknown>({
    form,
    fields: [secret, account],
    status,
    announce: context.announce,
    check: (values) => ((values.secret ?? "") === "" ? { secret: "Give an API key or an account token" } : {}),
    send: async (values) => {
      const name = (values.account ?? "") === "" ? null : (values.account as string);
      saveCredential({ secret: values.secret as string, account: name });
      try {
        // An account token may read its account; a key, the whole bank.
        return await request<unknown>("GET", name === null ? "/summary" : accountPath(name));
      } catch (error) {
        clearCredential();
        throw error;
      }
    },
    fieldOf: (problem) => (problem.status === 401 ? "secret" : "account"),
    describe: (problem: Problem) => (problem.status === 403 && account.input.value === "" ? NOT_A_KEY : problem.detail),
    success: () => "Signed in.",
    after: (_answer, values) => signedIn((values.account ?? "") === "" ? null : (values.account as string)),
  });
  context.main.append(
    context.heading("Sign in"),
    h("p", {}, "This server asks for a credential. It is kept in this tab only, until the tab is closed or you sign out."),
    form,
  );
  context.ready();
  return {};
}
