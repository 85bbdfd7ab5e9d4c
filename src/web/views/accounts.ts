// All the accounts, sorted by name, a page at a time, found by the start of their name. Searching
// and paging redraw the table only, so the search box keeps its focus while the person types.

import { h } from "../dom.js";
import { href, type Route } from "../router.js";
import { AccountTable } from "./account-table.js";
import type { View, ViewContext } from "./view.js";

/** Accounts per page. */
export const ACCOUNTS_PAGE = 50;
const SEARCH_DELAY_MS = 250;

/** The search box's form: it searches on Enter, and a moment after the person stops typing. */
function searchForm(search: HTMLInputElement, onSearch: () => void): { form: HTMLFormElement; stop: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const form = h(
    "form",
    { class: "search", role: "search" },
    h("label", { for: "accounts-prefix" }, "Name starts with"),
    search,
    h("button", { type: "submit" }, "Search"),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    onSearch();
  });
  search.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => form.requestSubmit(), SEARCH_DELAY_MS);
  });
  return { form, stop: () => clearTimeout(timer) };
}

export function accountsView(context: ViewContext): View {
  const { main, live } = context;
  // Cursors of the pages before this one, for "Previous"; the first page's is undefined.
  const previous: (string | undefined)[] = [];
  let query = { prefix: context.route.params.get("prefix") ?? "", after: context.route.params.get("after") ?? undefined };
  let table: AccountTable | null = null;
  let loading: AbortController | null = null;
  const tableSlot = h("div", { class: "table-slot" });
  const search = h("input", { id: "accounts-prefix", type: "search", name: "prefix", value: query.prefix, autocomplete: "off", spellcheck: "false" });
  const hint = h("p", { class: "hint" }, "Sorted by name; names are case-sensitive.");
  const newer = h("button", { type: "button" }, "Previous page");
  const older = h("button", { type: "button" }, "Next page");
  const pager = h("nav", { class: "pager", "aria-label": "Pages of accounts" }, newer, older);

  const showPager = () => {
    newer.hidden = query.after === undefined;
    older.hidden = table?.nextAfter === null || table === null;
  };
  const load = async (focusTable: boolean) => {
    loading?.abort();
    loading = new AbortController();
    const signal = AbortSignal.any([context.signal, loading.signal]);
    const next = new AccountTable(
      query.prefix === "" ? "Accounts by name" : `Accounts whose name starts with "${query.prefix}"`,
      { ...query, limit: ACCOUNTS_PAGE },
      showPager,
    );
    main.setAttribute("aria-busy", "true");
    await next.load(live.position, signal);
    if (signal.aborted) return;
    table = next;
    tableSlot.replaceChildren(next.element);
    main.removeAttribute("aria-busy");
    showPager();
    history.replaceState(null, "", href("accounts", { prefix: query.prefix, after: query.after }));
    // A paging button that went away (on the last page) leaves the focus nowhere: give it to the table.
    if (focusTable && (document.activeElement === document.body || document.activeElement === null)) {
      next.element.querySelector("a")?.focus();
    }
    context.ready("accounts");
  };
  const go = (after: string | undefined, focusTable: boolean) => {
    query = { ...query, after };
    load(focusTable).catch(context.fail);
  };

  const { form, stop } = searchForm(search, () => {
    previous.length = 0;
    query = { prefix: search.value, after: undefined };
    load(false).catch(context.fail);
  });
  newer.addEventListener("click", () => go(previous.pop(), true));
  older.addEventListener("click", () => {
    if (table === null || table.nextAfter === null) return;
    previous.push(query.after);
    go(table.nextAfter, true);
  });

  main.append(context.heading("Accounts"), form, hint, tableSlot, pager);
  const unsubscribe = live.subscribe((received) => table?.apply(received));
  void (async () => {
    await context.whenLive();
    await load(false);
  })().catch(context.fail);

  return {
    update(route: Route) {
      // The address was changed by this screen itself (replaceState does not fire hashchange), or
      // by the person: follow it.
      const prefix = route.params.get("prefix") ?? "";
      const after = route.params.get("after") ?? undefined;
      if (prefix !== query.prefix) {
        search.value = prefix;
        previous.length = 0;
      }
      query = { prefix, after };
      load(false).catch(context.fail);
      return true;
    },
    dispose() {
      stop();
      unsubscribe();
      loading?.abort();
    },
  };
}
