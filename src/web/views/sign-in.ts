// Signing in, when the server asks for a credential (a 401): an API key, or an account holder's
// token. The server says whose it is (GET /credential), so a holder never types its account's
// name; the credential is checked before it is kept, for this tab only.

import { request } from "../api.js";
import { h } from "../dom.js";
import { field, SubmissionForm } from "../form.js";
import { clearCredential, saveCredential } from "../session.js";
import type { View, ViewContext } from "./view.js";

/** What `GET /credential` answers. */
type Whose = { readonly kind: "api_key" } | { readonly kind: "account_token"; readonly account: string };

export function signInView(context: ViewContext, signedIn: (account: string | null) => void): View {
  const secret = field("sign-in", "secret", { label: "API key or account token", type: "password", autocomplete: "current-password" });
  const status = h("p", { class: "form-status" });
  const form = h(
    "form",
    { class: "card", "aria-labelledby": "sign-in-heading" },
    h("h2", { id: "sign-in-heading" }, "Credential"),
    secret.wrapper,
    h("div", { class: "form-actions" }, h("button", { type: "submit" }, "Sign in"), status),
  );
  new SubmissionForm<Whose>({
    form,
    fields: [secret],
    status,
    announce: context.announce,
    check: (values) => ((values.secret ?? "") === "" ? { secret: "Give an API key or an account token" } : {}),
    send: async (values) => {
      saveCredential({ secret: values.secret as string, account: null });
      try {
        const answer = await request<Whose>("GET", "/credential");
        // A token acts for one account: the tab keeps its name, which every screen shows.
        const whose = answer.body;
        if (whose.kind === "account_token") saveCredential({ secret: values.secret as string, account: whose.account });
        // Every screen of the bank reads it: a key that may not is turned away here, with the
        // server's own 403, not on each screen.
        else await request<unknown>("GET", "/summary");
        return answer;
      } catch (error) {
        clearCredential();
        throw error;
      }
    },
    fieldOf: () => "secret",
    success: () => "Signed in.",
    after: (answer) => signedIn(answer.body.kind === "account_token" ? answer.body.account : null),
  });
  context.main.append(
    context.heading("Sign in"),
    h("p", {}, "This server asks for a credential. It is kept in this tab only, until the tab is closed or you sign out."),
    form,
  );
  context.ready();
  return {};
}
