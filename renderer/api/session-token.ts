// The browser session's CSRF token. The session itself is an HttpOnly
// cookie the page never sees; the token proves to the station that a change
// comes from this page and not from another site making the browser send
// the cookie. It lives in this module's memory only: a reload asks the
// station for it again (auth.whoami), so nothing readable by scripts
// outlives the page.

let csrfToken: string | null = null;

/** Methods that change something: the station refuses them over a session without the token. */
const CHANGES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function hasCsrfToken(): boolean {
  return csrfToken !== null;
}

/** The header a request with `method` must carry, if any. */
export function csrfHeaders(method: string): Record<string, string> {
  return csrfToken !== null && CHANGES.has(method.toUpperCase()) ? { 'X-CSRF-Token': csrfToken } : {};
}

/** Where earlier versions of the console kept the API key itself. */
const LEGACY_KEY = 'smc.apiKey';

/** An API key an earlier console left in localStorage is removed: a key must not sit where any script can read it. */
export function forgetLegacyKey(): void {
  try {
    localStorage.removeItem(LEGACY_KEY);
    sessionStorage.removeItem(LEGACY_KEY);
  } catch {
    // Storage disabled by policy: then nothing was kept there either.
  }
}
