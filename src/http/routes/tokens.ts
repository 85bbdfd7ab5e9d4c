// POST /accounts/{name}/token: an admin replaces an account's holder token, for a holder who lost
// it or whose token leaked. Served only while access control is on.

import type { Bank } from "../../core/index.js";
import type { BankApp } from "../app.js";
import type { HolderTokens } from "../auth/index.js";
import { rotateTokenSchema } from "../schemas/tokens.js";
import { refuseBody } from "../validation.js";

/** Registers the token rotation route of `bank`'s `tokens`. */
export function registerTokenRoutes(app: BankApp, bank: Bank, tokens: HolderTokens): void {
  app.post("/accounts/:name/token", { schema: rotateTokenSchema, preValidation: refuseBody, config: { secretFields: ["token"] } }, (request) => {
    // The account must exist; getAccount refuses an unknown name with a 404.
    const { name } = bank.getAccount(request.params.name);
    return { name, token: tokens.rotate(name), message: `Token of '${name}' rotated; the previous one no longer works.` };
  });
}
