// The credential the person signed in with: an API key, or an account holder's token with the name
// of its account. Kept in sessionStorage, so it lives as long as the tab and no longer.

export interface Credential {
  readonly secret: string;
  /** The account a holder's token is for; null for an API key. */
  readonly account: string | null;
}

const STORAGE_KEY = "banking-system.credential";

/** The credential of this tab, or null when signed out (or when access control is off). */
export function loadCredential(): Credential | null {
  const text = sessionStorage.getItem(STORAGE_KEY);
  if (text === null) return null;
  try {
    const value = JSON.parse(text) as Partial<Credential>;
    if (typeof value.secret !== "string") return null;
    return { secret: value.secret, account: typeof value.account === "string" ? value.account : null };
  } catch {
    return null;
  }
}

export function saveCredential(credential: Credential): void {
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(credential));
}

export function clearCredential(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}

/** The Authorization header of the tab's credential, if any. */
export function authorizationHeaders(): Record<string, string> {
  const credential = loadCredential();
  return credential === null ? {} : { authorization: `Bearer ${credential.secret}` };
}
