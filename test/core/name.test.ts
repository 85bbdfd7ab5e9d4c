// Account names: which names are accepted and refused, that awkward names (object keys, spaces,
// non-ASCII) are ordinary distinct accounts, and listing accounts in name order, whole or by page.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  AccountNotFoundError,
  Bank,
  InvalidArgumentError,
  InvalidNameError,
  NAME_LENGTH_MAX,
  PAGE_SIZE_DEFAULT,
  PAGE_SIZE_MAX,
  validateName,
} from "../../src/core/index.js";
import { expectRefusedWithoutTrace, thrownBy } from "./support.js";

function refusalOf(name: unknown): string {
  const error = thrownBy(() => validateName(name));
  expect(error).toBeInstanceOf(InvalidNameError);
  return (error as Error).message;
}

describe("validateName", () => {
  it("when a name is valid, it is returned exactly as given (no trimming, no normalisation)", () => {
    for (const name of ["Alice", " padded ", "Zoe\u0308", "a", "😀"]) expect(validateName(name)).toBe(name);
  });

  it("when a name has 64 code points it is accepted, and 65 are refused", () => {
    expect(NAME_LENGTH_MAX).toBe(64);
    expect(validateName("a".repeat(64))).toHaveLength(64);
    expect(refusalOf("a".repeat(65))).toBe("Account name cannot be longer than 64 characters");
  });

  it("when a name is 64 emoji (128 UTF-16 units) it is accepted, and 65 emoji are refused", () => {
    expect(validateName("😀".repeat(64))).toBe("😀".repeat(64));
    expect(validateName(`${"a".repeat(63)}😀`)).toHaveLength(65);
    expect(refusalOf("😀".repeat(65))).toBe("Account name cannot be longer than 64 characters");
    expect(refusalOf(`${"a".repeat(64)}😀`)).toBe("Account name cannot be longer than 64 characters");
  });

  it("when a name is empty, it is refused", () => {
    expect(refusalOf("")).toBe("Account name cannot be empty");
  });

  it.each(["\u0000", "a\nb", "tab\there", "\r", "\u001b[31m", "del\u007f", "\u0085", "\u009f"])(
    "when a name holds the control character in %j, it is refused",
    (name) => {
      expect(refusalOf(name)).toBe("Account name cannot contain control characters");
    },
  );

  it.each(["\ud800", "a\udc00", "\ud83d", "\ude00\ud83d", `${"\ud800".repeat(65)}`])(
    "when a name holds a lone surrogate (%j), it is refused as ill-formed",
    (name) => {
      expect(refusalOf(name)).toBe("Account name must be well-formed Unicode");
    },
  );

  it.each([[5], [null], [undefined], [{}], [["Alice"]], [true]])(
    "when a name is not a string (%j), it is refused",
    (name) => {
      expect(refusalOf(name)).toBe("Account name must be a string");
    },
  );

  it("when the bank is given an invalid name, createAccount refuses with InvalidNameError and opens nothing", () => {
    const bank = new Bank();
    for (const name of ["", "a".repeat(65), "a\nb", "\ud800", 42 as unknown as string]) {
      expectRefusedWithoutTrace(bank, () => bank.createAccount(name, 10), InvalidNameError);
    }
    expect(bank.accountCount).toBe(0);
  });

  it("when an unknown name is also invalid, lookups say it is invalid rather than not found", () => {
    const bank = new Bank();
    bank.createAccount("Alice", 10);
    expect(thrownBy(() => bank.getAccount(""))).toBeInstanceOf(InvalidNameError);
    expect(thrownBy(() => bank.deposit("a\u0000", 1))).toBeInstanceOf(InvalidNameError);
    expectRefusedWithoutTrace(bank, () => bank.transfer("Alice", "\ud800", 1), InvalidNameError);
    expect(thrownBy(() => bank.getAccount("Bob"))).toBeInstanceOf(AccountNotFoundError);
  });
});

describe("awkward names are ordinary accounts", () => {
  const names = [
    "__proto__",
    "constructor",
    "toString",
    "hasOwnProperty",
    "prototype",
    "Mary Ann",
    " padded ",
    "Zoë",
    "山田",
    "😀",
    "O'Brien",
  ];

  it("when accounts are named like object keys, with spaces or non-ASCII, each is a distinct account", () => {
    const bank = new Bank();
    names.forEach((name, i) => bank.createAccount(name, i + 1));
    names.forEach((name, i) => bank.deposit(name, 100 * (i + 1)));
    expect(bank.accountCount).toBe(names.length);
    names.forEach((name, i) => {
      const account = bank.getAccount(name);
      expect(account.name).toBe(name);
      expect(account.balance).toBe(101 * (i + 1));
      expect(account.getTransactionHistory().map((t) => t.description)).toEqual([
        `Account created with balance: ${i + 1}.00`,
        `Deposited: ${100 * (i + 1)}.00`,
      ]);
      expect(bank.hasAccount(name)).toBe(true);
    });
    expect(bank.listAccounts().map((account) => account.name).sort()).toEqual([...names].sort());
  });

  it("when an object key is not an account name, it is not found (nothing leaks from the prototype)", () => {
    const bank = new Bank();
    bank.createAccount("Alice");
    for (const name of ["__proto__", "constructor", "valueOf", "toString"]) {
      expect(bank.hasAccount(name)).toBe(false);
      expect(thrownBy(() => bank.getAccount(name))).toBeInstanceOf(AccountNotFoundError);
    }
  });

  it("when transfers run between awkward names, their wording carries the names exactly", () => {
    const bank = new Bank();
    const proto = bank.createAccount("__proto__", 50);
    const yamada = bank.createAccount("山田");
    proto.transfer(yamada, 12.5);
    expect(yamada.getTransactionHistory()[1]!.description).toBe("Received from: 12.50 __proto__");
    expect(proto.getTransactionHistory()[1]!.description).toBe("Transferred to: 12.50 山田");
  });

  it("when two names differ only in case, they are two accounts", () => {
    const bank = new Bank();
    bank.createAccount("Alice", 1);
    bank.createAccount("alice", 2);
    expect(bank.getAccount("Alice").balance).toBe(1);
    expect(bank.getAccount("alice").balance).toBe(2);
    expect(thrownBy(() => bank.getAccount("ALICE"))).toBeInstanceOf(AccountNotFoundError);
  });

  it("when two names differ only in Unicode normalisation, they are two accounts", () => {
    const bank = new Bank();
    bank.createAccount("Zo\u00eb", 1);
    bank.createAccount("Zoe\u0308", 2);
    expect(bank.getAccount("Zo\u00eb").balance).toBe(1);
    expect(bank.getAccount("Zoe\u0308").balance).toBe(2);
  });
});

describe("listAccounts", () => {
  it("when accounts are listed, they are sorted by name in UTF-16 code unit order", () => {
    const bank = new Bank();
    for (const name of ["b", "\uff21", "😀", "a", "山田", "Émile", "__proto__", "Zoë", "B"]) bank.createAccount(name);
    // "😀" starts with the unit 0xD83D, so it sorts before the fullwidth "Ａ" (0xFF21), although
    // its code point (0x1F600) is larger: the order is by code unit, the same on every machine.
    expect(bank.listAccounts().map((account) => account.name)).toEqual([
      "B",
      "Zoë",
      "__proto__",
      "a",
      "b",
      "Émile",
      "山田",
      "😀",
      "\uff21",
    ]);
  });

  it("when the bank has no accounts, the list is empty", () => {
    expect(new Bank().listAccounts()).toEqual([]);
  });

  it("when the returned list is changed, the bank's list is not", () => {
    const bank = new Bank();
    bank.createAccount("Bob");
    bank.createAccount("Alice");
    const list = bank.listAccounts();
    list.reverse();
    list.pop();
    expect(bank.listAccounts().map((account) => account.name)).toEqual(["Alice", "Bob"]);
  });

  it("when an account is opened after a listing, the next listing includes it in order", () => {
    const bank = new Bank();
    bank.createAccount("Carol");
    bank.createAccount("Alice");
    expect(bank.listAccounts().map((account) => account.name)).toEqual(["Alice", "Carol"]);
    bank.createAccount("Bob");
    expect(bank.listAccounts().map((account) => account.name)).toEqual(["Alice", "Bob", "Carol"]);
    expect(bank.listAccountPage({ after: "Alice", limit: 1 }).accounts.map((a) => a.name)).toEqual(["Bob"]);
  });
});

describe("listAccountPage", () => {
  function bankWith(count: number): Bank {
    const bank = new Bank();
    // Opened in reverse so that name order differs from opening order.
    for (let i = count - 1; i >= 0; i--) bank.createAccount(`user${String(i).padStart(4, "0")}`, i);
    return bank;
  }

  it("when no limit is given, a page holds PAGE_SIZE_DEFAULT accounts and says where to go on", () => {
    const bank = bankWith(PAGE_SIZE_DEFAULT + 5);
    const page = bank.listAccountPage();
    expect(page.accounts).toHaveLength(PAGE_SIZE_DEFAULT);
    expect(page.accounts[0]!.name).toBe("user0000");
    expect(page.nextAfter).toBe(`user${String(PAGE_SIZE_DEFAULT - 1).padStart(4, "0")}`);
    const rest = bank.listAccountPage({ after: page.nextAfter! });
    expect(rest.accounts.map((account) => account.name)).toEqual(["user0100", "user0101", "user0102", "user0103", "user0104"]);
    expect(rest.nextAfter).toBeNull();
  });

  it("when pages are walked with `after`, every account is seen exactly once, in name order", () => {
    const bank = bankWith(53);
    const expected = bank.listAccounts().map((account) => account.name);
    for (const limit of [1, 2, 7, 10, 52, 53, 54, PAGE_SIZE_MAX]) {
      const seen: string[] = [];
      let after: string | undefined;
      let pages = 0;
      for (;;) {
        const page = bank.listAccountPage(after === undefined ? { limit } : { limit, after });
        seen.push(...page.accounts.map((account) => account.name));
        pages++;
        // A cursor that does not advance would loop forever; fail instead.
        expect(pages).toBeLessThanOrEqual(53);
        if (page.nextAfter === null) break;
        after = page.nextAfter;
      }
      expect(seen).toEqual(expected);
      expect(pages).toBe(Math.ceil(53 / limit));
    }
  });

  it("property: for any set of names and any limit, walking the pages yields listAccounts exactly", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 8, unit: "grapheme" }), { maxLength: 40 }),
        fc.integer({ min: 1, max: 12 }),
        (candidates, limit) => {
          const bank = new Bank();
          for (const name of candidates) {
            try {
              bank.createAccount(name);
            } catch (error) {
              expect(error).toBeInstanceOf(InvalidNameError);
            }
          }
          const seen: string[] = [];
          let page = bank.listAccountPage({ limit });
          seen.push(...page.accounts.map((account) => account.name));
          while (page.nextAfter !== null) {
            expect(page.accounts).toHaveLength(limit);
            expect(seen.length).toBeLessThanOrEqual(bank.accountCount);
            page = bank.listAccountPage({ limit, after: page.nextAfter });
            seen.push(...page.accounts.map((account) => account.name));
          }
          expect(seen).toEqual(bank.listAccounts().map((account) => account.name));
          expect(new Set(seen).size).toBe(bank.accountCount);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("when `after` is not an account name, the page starts at the next name in order", () => {
    const bank = new Bank();
    for (const name of ["Alice", "Carol", "Erin"]) bank.createAccount(name);
    expect(bank.listAccountPage({ after: "Bob" }).accounts.map((a) => a.name)).toEqual(["Carol", "Erin"]);
    expect(bank.listAccountPage({ after: "" }).accounts.map((a) => a.name)).toEqual(["Alice", "Carol", "Erin"]);
    expect(bank.listAccountPage({ after: "Zed" })).toEqual({ accounts: [], nextAfter: null });
  });

  it("when the last page is exactly full, it says there is no next page", () => {
    const bank = bankWith(10);
    const first = bank.listAccountPage({ limit: 5 });
    expect(first.nextAfter).toBe("user0004");
    const second = bank.listAccountPage({ limit: 5, after: first.nextAfter! });
    expect(second.accounts).toHaveLength(5);
    expect(second.nextAfter).toBeNull();
  });

  it("when the bank is empty, the page is empty", () => {
    expect(new Bank().listAccountPage({ limit: 1 })).toEqual({ accounts: [], nextAfter: null });
  });

  it("when the limit is 1 or PAGE_SIZE_MAX it is accepted", () => {
    const bank = bankWith(PAGE_SIZE_MAX + 1);
    expect(bank.listAccountPage({ limit: 1 }).accounts).toHaveLength(1);
    const page = bank.listAccountPage({ limit: PAGE_SIZE_MAX });
    expect(page.accounts).toHaveLength(PAGE_SIZE_MAX);
    expect(page.nextAfter).not.toBeNull();
  });

  it.each([0, -1, PAGE_SIZE_MAX + 1, 1.5, NaN, Infinity, "10" as unknown as number])(
    "when the limit is %j, listAccountPage refuses with InvalidArgumentError",
    (limit) => {
      const error = thrownBy(() => bankWith(3).listAccountPage({ limit }));
      expect(error).toBeInstanceOf(InvalidArgumentError);
      const given = typeof limit === "number" ? String(limit) : "a string";
      expect((error as Error).message).toBe(`Page limit must be an integer from 1 to ${PAGE_SIZE_MAX}, not ${given}`);
    },
  );
});
