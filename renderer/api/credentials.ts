// The API key of the web console, kept in localStorage so a reload stays
// signed in. Inside Electron the bridge authenticates and no key is kept.

const KEY = 'smc.apiKey';
let memory: string | null = null;

export function loadKey(): string | null {
  try {
    return localStorage.getItem(KEY) ?? memory;
  } catch {
    // Storage can be disabled by policy; fall back to this page's memory.
    return memory;
  }
}

export function saveKey(key: string): void {
  memory = key;
  try {
    localStorage.setItem(KEY, key);
  } catch {
    // see loadKey
  }
}

export function clearKey(): void {
  memory = null;
  try {
    localStorage.removeItem(KEY);
  } catch {
    // see loadKey
  }
}

export function authHeaders(key: string | null): Record<string, string> {
  return key ? { 'X-API-Key': key } : {};
}
