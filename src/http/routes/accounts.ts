// Account routes: open one (POST /accounts), list them (GET /accounts), read one (GET /accounts/{name}),
// and the bank's totals (GET /summary).
// The seed's clients post to "/accounts/", so both spellings are served; the OpenAPI document shows one.

import type { FastifyContextConfig } from "fastify";
import { toMajor, type Bank } from "../../core/index.js";
import type { BankApp } from "../app.js";
import type { HolderTokens } from "../auth/index.js";
import { accountBody } from "../representations.js";
import { createAccountSchema, getAccountSchema, listAccountsSchema, summarySchema } from "../schemas/accounts.js";

/**
 * Registers the account routes of `bank`. With `tokens` (access control on), opening an account
 * gives it a holder token, answered once.
 */
export function registerAccountRoutes(app: BankApp, bank: Bank, tokens?: HolderTokens): void {
  // The token is never kept for an idempotency key's replay.
  const config: FastifyContextConfig = tokens === undefined ? {} : { secretFields: ["token"] };
  for (const url of ["/accounts", "/accounts/"]) {
    const hide = url.endsWith("/");

    app.post(url, { schema: { ...createAccountSchema, hide }, config }, (request, reply) => {
      const { name, initial_balance } = request.body;
      const account = bank.createAccount(name, initial_balance);
      // In the same synchronous step as the opening, so that durable mode journals both together.
      const token = tokens?.issue(name);
      reply.code(201).header("location", `/accounts/${encodeURIComponent(name)}`);
      return { ...accountBody(account), message: `Account '${name}' created.`, token };
    });

    app.get(url, { schema: { ...listAccountsSchema, hide } }, (request) => {
      const page = bank.listAccountPage(request.query);
      return { accounts: page.accounts.map(accountBody), next_after: page.nextAfter };
    });
  }

  app.get("/accounts/:name", { schema: getAccountSchema }, (request) =>
    accountBody(bank.getAccount(request.params.name)),
  );

  app.get("/summary", { schema: summarySchema }, () => ({
    accounts: bank.accountCount,
    transactions: bank.transactionCount,
    total_balance: toMajor(bank.totalBalanceMinor),
  }));
}
