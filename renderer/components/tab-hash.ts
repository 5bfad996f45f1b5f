/**
 * The tab id kept in the address's hash (#models). The hash is whatever was
 * typed or bookmarked: a malformed escape (#%E0%A4%A) makes
 * decodeURIComponent throw, and it names no tab, so it is returned as typed
 * and the shell falls back to the first tab.
 */
export function tabFromHash(hash: string): string {
  const raw = hash.replace(/^#/, '');
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
