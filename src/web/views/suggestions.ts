// Account names suggested as the person types one: the first few names with that start, from
// GET /accounts?prefix=, in a datalist that the account fields share.

import { get } from "../api.js";
import { h } from "../dom.js";
import type { AccountPage } from "../types.js";

export const SUGGESTIONS_ID = "account-names";
const SUGGESTIONS_MAX = 8;
const SUGGEST_DELAY_MS = 200;

/** The datalist, and a function that wires an input to it. */
export function accountSuggestions(signal: AbortSignal): { list: HTMLDataListElement; follow: (input: HTMLInputElement) => void } {
  const list = h("datalist", { id: SUGGESTIONS_ID });
  let timer: ReturnType<typeof setTimeout> | undefined;
  let asked = "";
  const suggest = async (prefix: string) => {
    if (prefix === asked) return;
    asked = prefix;
    const query = new URLSearchParams({ limit: String(SUGGESTIONS_MAX) });
    if (prefix !== "") query.set("prefix", prefix);
    const page = await get<AccountPage>(`/accounts?${query.toString()}`, signal);
    list.replaceChildren(...page.accounts.map((account) => h("option", { value: account.name })));
  };
  signal.addEventListener("abort", () => clearTimeout(timer));
  return {
    list,
    follow(input) {
      input.setAttribute("list", SUGGESTIONS_ID);
      input.addEventListener("input", () => {
        clearTimeout(timer);
        // Suggestions are a help, not a need: a refusal (a holder may not list accounts) is ignored.
        timer = setTimeout(() => suggest(input.value).catch(() => {}), SUGGEST_DELAY_MS);
      });
    },
  };
}
