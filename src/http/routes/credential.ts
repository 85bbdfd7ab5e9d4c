// GET /credential: who the request's credential is, so that a client holding only a secret (the
// dashboard's sign-in, a script) learns whether it is an API key, with what scopes, or an account
// token, and whose. Served only while access control is on: the guard has found the credential.

import type { BankApp } from "../app.js";
import { SCOPES } from "../auth/scopes.js";
import { credentialSchema } from "../schemas/credential.js";

/** Registers `GET /credential`. */
export function registerCredentialRoutes(app: BankApp): void {
  app.get("/credential", { schema: credentialSchema }, (request) => {
    const credential = request.credential;
    if (credential === undefined || credential === null) throw new Error("GET /credential is served only behind the access guard");
    return credential.kind === "key"
      ? { kind: "api_key" as const, name: credential.name, scopes: SCOPES.filter((scope) => credential.scopes.has(scope)) }
      : { kind: "account_token" as const, account: credential.account };
  });
}
