// The screens and their addresses, in the URL's fragment so that the server serves one page:
// #/ (overview), #/accounts, #/account/NAME, #/open, #/move, #/batch, #/feed, #/sign-in.

export type Screen = "overview" | "accounts" | "account" | "open" | "move" | "batch" | "feed" | "sign-in";

export interface Route {
  readonly screen: Screen;
  /** The account of #/account/NAME. */
  readonly name: string;
  readonly params: URLSearchParams;
}

const SCREENS: Readonly<Record<string, Screen>> = {
  "": "overview",
  accounts: "accounts",
  account: "account",
  open: "open",
  move: "move",
  batch: "batch",
  feed: "feed",
  "sign-in": "sign-in",
};

/** The route of a location's fragment; anything unknown is the overview. */
export function parseRoute(hash: string): Route {
  const text = hash.startsWith("#/") ? hash.slice(2) : "";
  const question = text.indexOf("?");
  const path = question === -1 ? text : text.slice(0, question);
  const params = new URLSearchParams(question === -1 ? "" : text.slice(question + 1));
  const [first = "", ...rest] = path.split("/");
  const screen = SCREENS[first] ?? "overview";
  let name = "";
  if (screen === "account") {
    try {
      name = decodeURIComponent(rest.join("/"));
    } catch {
      name = rest.join("/");
    }
  }
  return { screen, name, params };
}

/** The fragment of a screen with its parameters (those undefined or empty are left out). */
export function href(screen: Screen, params: Record<string, string | number | undefined> = {}, name = ""): string {
  const path = screen === "overview" ? "" : screen === "account" ? `account/${encodeURIComponent(name)}` : screen;
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== "") query.set(key, String(value));
  const search = query.toString();
  return `#/${path}${search === "" ? "" : `?${search}`}`;
}
