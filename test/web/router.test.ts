// The dashboard's addresses: a screen and its parameters in the fragment, names encoded.

import { describe, expect, it } from "vitest";
import { href, parseRoute } from "../../src/web/router.js";

describe("the dashboard's routes", () => {
  it.each(["alice", "élodie 東", "a/b?c#d", "__proto__", "100%"])("when an account is named %j, its address leads back to it", (name) => {
    const route = parseRoute(href("account", { before: 12 }, name));
    expect(route).toMatchObject({ screen: "account", name });
    expect(route.params.get("before")).toBe("12");
  });

  it("when the fragment is empty, unknown or not a route, the screen is the overview", () => {
    for (const hash of ["", "#", "#/", "#main", "#/nowhere"]) expect(parseRoute(hash).screen).toBe("overview");
    expect(href("overview")).toBe("#/");
    expect(href("accounts", { prefix: "al", after: undefined, limit: "" })).toBe("#/accounts?prefix=al");
  });

  it("when a name in the fragment is not valid percent-encoding, keeps it as written", () => {
    expect(parseRoute("#/account/%E0%A4%A").name).toBe("%E0%A4%A");
  });
});
