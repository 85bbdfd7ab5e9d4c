// Every route against every kind of caller, table-driven like the bad-input table: who is
// refused with which status, what the refusal looks like, and that a refusal changes nothing.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Bank } from "../../../src/index.js";
import { expectProblem, request, snapshot, type JsonResponse } from "../helpers.js";
import { ADMIN_SECRET, bearer, MOVER_SECRET, READER_SECRET, securedApp, WRITER_SECRET } from "./support.js";

type Caller = "none" | "malformed" | "unknown" | "revoked" | "another holder" | "missing scope" | "the holder" | "admin";
const CALLERS: Caller[] = ["none", "malformed", "unknown", "revoked", "another holder", "missing scope", "the holder", "admin"];

interface Route {
  method: "GET" | "POST";
  url: string;
  body?: unknown;
  /** Status of an allowed call. */
  ok: number;
  /** A key that lacks what the route needs (a public route has none). */
  lacking: string | null;
  /** Whether alice's token may make this call (all are on alice's account, or from it). */
  holder: boolean;
  /** Whether any valid credential may make it, whatever its scopes or account (who it is). */
  anyCredential?: true;
  /** Status and code of the second allowed call, when it differs from the first's (a hold changes once). */
  again?: [number, string];
  /** What the route needs in the bank before the callers take turns. */
  setup?: (bank: Bank) => void;
}

/** Hold 1, of alice's for bob; hold 2, of carol's for bob: neither alice's token nor bob's may touch it. */
function holdBoth(bank: Bank): void {
  bank.createAccount("carol", 50);
  bank.hold("alice", "bob", 10);
  bank.hold("carol", "bob", 10);
}

const PERIOD = "from=2025-01-01T00:00:00Z&to=2025-01-03T00:00:00Z";

const ROUTES: Route[] = [
  { method: "GET", url: "/health", ok: 200, lacking: null, holder: true },
  { method: "GET", url: "/credential", ok: 200, lacking: MOVER_SECRET, holder: true, anyCredential: true },
  { method: "GET", url: "/summary", ok: 200, lacking: MOVER_SECRET, holder: false },
  { method: "GET", url: "/accounts", ok: 200, lacking: MOVER_SECRET, holder: false },
  { method: "POST", url: "/accounts", body: { name: "carol", initial_balance: 1 }, ok: 201, lacking: READER_SECRET, holder: false },
  { method: "GET", url: "/accounts/alice", ok: 200, lacking: MOVER_SECRET, holder: true },
  { method: "GET", url: "/accounts/alice/history", ok: 200, lacking: WRITER_SECRET, holder: true },
  { method: "POST", url: "/accounts/alice/deposits", body: { amount: 1 }, ok: 200, lacking: READER_SECRET, holder: false },
  { method: "POST", url: "/accounts/alice/withdrawals", body: { amount: 1 }, ok: 200, lacking: WRITER_SECRET, holder: true },
  { method: "POST", url: "/accounts/alice/token", ok: 200, lacking: MOVER_SECRET, holder: false },
  { method: "POST", url: "/transfers", body: { sender: "alice", recipient: "bob", amount: 1 }, ok: 200, lacking: READER_SECRET, holder: true },
  {
    method: "POST", url: "/transfers/batch", body: { transfers: [{ sender: "alice", recipient: "bob", amount: 1 }] },
    ok: 200, lacking: READER_SECRET, holder: true,
  },
  {
    method: "POST", url: "/transfers/batch", body: { transfers: [{ type: "post", hold_id: 1 }, { type: "void", hold_id: 2 }] },
    ok: 200, lacking: READER_SECRET, holder: false, setup: holdBoth,
  },
  {
    method: "POST", url: "/transfers/batch", body: { transfers: [{ type: "hold", sender: "alice", recipient: "bob", amount: 1 }, { type: "void", hold_id: 1 }] },
    ok: 200, lacking: READER_SECRET, holder: true, again: [400, "BATCH_REFUSED"], setup: holdBoth,
  },
  { method: "GET", url: "/accounts/alice/balance", ok: 200, lacking: MOVER_SECRET, holder: true },
  { method: "GET", url: `/accounts/alice/statement?${PERIOD}`, ok: 200, lacking: WRITER_SECRET, holder: true },
  { method: "POST", url: "/holds", body: { sender: "alice", recipient: "bob", amount: 1 }, ok: 201, lacking: READER_SECRET, holder: true },
  { method: "POST", url: "/holds", body: { sender: "carol", recipient: "alice", amount: 1 }, ok: 201, lacking: READER_SECRET, holder: false, setup: holdBoth },
  { method: "GET", url: "/holds/1", ok: 200, lacking: MOVER_SECRET, holder: true, setup: holdBoth },
  { method: "GET", url: "/holds/2", ok: 200, lacking: MOVER_SECRET, holder: false, setup: holdBoth },
  // A hold that does not exist is refused to a holder as one of another account: its answer tells nothing.
  { method: "GET", url: "/holds/3", ok: 404, lacking: MOVER_SECRET, holder: false, setup: holdBoth },
  { method: "POST", url: "/holds/1/post", body: { amount: 4 }, ok: 200, lacking: READER_SECRET, holder: true, again: [409, "HOLD_NOT_PENDING"], setup: holdBoth },
  { method: "POST", url: "/holds/2/post", ok: 200, lacking: READER_SECRET, holder: false, setup: holdBoth },
  { method: "POST", url: "/holds/1/void", ok: 200, lacking: READER_SECRET, holder: true, again: [409, "HOLD_NOT_PENDING"], setup: holdBoth },
  { method: "POST", url: "/holds/2/void", ok: 200, lacking: READER_SECRET, holder: false, setup: holdBoth },
];

/** The status and code a caller must get on a route, or the route's own status when allowed. */
function expected(route: Route, caller: Caller): [number, string | null] {
  if (route.lacking === null) return [route.ok, null];
  switch (caller) {
    case "none": case "malformed": case "unknown": case "revoked":
      return [401, "UNAUTHORIZED"];
    case "another holder": case "missing scope":
      return route.anyCredential === true ? [route.ok, null] : [403, "FORBIDDEN"];
    case "the holder":
      return route.holder ? [route.ok, null] : [403, "FORBIDDEN"];
    case "admin":
      return route.holder && route.again !== undefined ? route.again : [route.ok, null];
  }
}

function expectChallenge(response: JsonResponse, caller: Caller): void {
  const challenge = response.headers["www-authenticate"] as string;
  expect(challenge).toMatch(/^Bearer realm="banking-system"/);
  if (response.status === 401) {
    // RFC 6750: no error code when no credential was presented at all.
    expect(challenge.includes('error="invalid_token"')).toBe(caller !== "none");
  } else {
    expect(challenge).toContain('error="insufficient_scope"');
  }
}

// One app per route; the callers take turns, the refused first, so each refusal is checked
// against the state the one before left, and the allowed calls come last.
describe.each(ROUTES)("$method $url, by every caller", (route) => {
  let secured: ReturnType<typeof securedApp>;
  beforeAll(() => {
    secured = securedApp();
    route.setup?.(secured.bank);
  });
  afterAll(() => secured.app.close());

  it.each(CALLERS)("%s", async (caller) => {
    const { app, bank, tokens, alice, bob, revoked } = secured;
    const headers: Record<Caller, Record<string, string>> = {
      none: {},
      malformed: { authorization: "Bearer not a token!" },
      unknown: bearer("bst_unknownunknownunknownunknownunknownunknow"),
      revoked: bearer(revoked),
      "another holder": bearer(bob),
      "missing scope": bearer(route.lacking ?? ADMIN_SECRET),
      "the holder": bearer(alice),
      admin: bearer(ADMIN_SECRET),
    };
    const before = { bank: snapshot(bank), tokens: tokens.entries() };
    const response = await request(app, route.method, route.url, route.body, headers[caller]);
    const [status, code] = expected(route, caller);
    if (code === null) {
      expect(response.status, response.text).toBe(status);
      expect(response.headers["www-authenticate"]).toBeUndefined();
      return;
    }
    expectProblem(response, status, code);
    // The second settle of a hold: allowed, and refused by the bank, not by access control.
    if (caller === "admin") return;
    expectChallenge(response, caller);
    expect({ bank: snapshot(bank), tokens: tokens.entries() }).toEqual(before);
  });
});
