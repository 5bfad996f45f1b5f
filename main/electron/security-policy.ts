import { isAbsolute, join, relative, sep } from 'node:path';

// The window's security rules as pure functions of URLs and paths. Nothing
// here imports electron, so every rule is unit-tested under plain Node and
// the Electron side (security.ts) only wires them to events.

/**
 * The renderer is served from a privileged custom scheme rather than file://:
 * it gets a real origin (`app://smc`) that CSP 'self' and the IPC sender check
 * can name exactly, every response carries our CSP header, and file:// access
 * to the rest of the disk is never granted to the page.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'smc';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * CSP of the desktop window. Stricter than the web console's: the window talks
 * to the station over IPC, so it needs no network at all beyond its own
 * origin; no frames, no plugins, no form posts. 'unsafe-inline' styles only,
 * as in the web console, because chart and UI libraries set style attributes.
 */
export const WINDOW_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "frame-src 'none'",
  "worker-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** Same scheme, host and port — compared as parsed parts, never as substrings. */
function sameOrigin(a: URL, b: URL): boolean {
  return a.protocol === b.protocol && a.host.toLowerCase() === b.host.toLowerCase() && a.port === b.port;
}

function hasCredentials(u: URL): boolean {
  return u.username !== '' || u.password !== '';
}

/**
 * May the window navigate to `targetUrl`? Only to its own entry document
 * (a reload): same origin and the same path, query and fragment aside. For a
 * file:// entry (file URLs have no origin) the path must match exactly.
 */
export function isAllowedNavigation(targetUrl: string, appEntryUrl: string): boolean {
  const target = parse(targetUrl);
  const entry = parse(appEntryUrl);
  if (!target || !entry || hasCredentials(target)) return false;
  if (entry.protocol === 'file:') return target.protocol === 'file:' && target.host === entry.host && target.pathname === entry.pathname;
  return sameOrigin(target, entry) && target.pathname === entry.pathname;
}

/**
 * Is an IPC message from a frame showing our own app? Any path on the app
 * origin counts (the renderer may use history routing); for a file:// entry
 * only the entry file itself.
 */
export function isTrustedSender(frameUrl: string | null | undefined, appEntryUrl: string): boolean {
  if (!frameUrl) return false;
  const frame = parse(frameUrl);
  const entry = parse(appEntryUrl);
  if (!frame || !entry || hasCredentials(frame)) return false;
  if (entry.protocol === 'file:') return frame.protocol === 'file:' && frame.host === entry.host && frame.pathname === entry.pathname;
  return sameOrigin(frame, entry);
}

/**
 * Maps an `app://smc/...` request to a file inside `rootDir`, or null when it
 * is not ours or would escape the folder. Segments are decoded one by one and
 * any that decode to a separator, a dot segment, a drive colon or NUL is
 * refused, then the joined path is checked to stay under the root. A path
 * without an extension is a client-side route and gets index.html.
 */
export function resolveAppPath(requestUrl: string, rootDir: string): string | null {
  const url = parse(requestUrl);
  if (!url || url.protocol !== `${APP_SCHEME}:` || url.host.toLowerCase() !== APP_HOST || hasCredentials(url)) return null;
  const segments: string[] = [];
  for (const raw of url.pathname.split('/')) {
    if (raw === '') continue;
    let seg: string;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (seg === '.' || seg === '..' || /[/\\:\0]/.test(seg)) return null;
    segments.push(seg);
  }
  const last = segments.at(-1);
  if (last === undefined || !last.includes('.')) return join(rootDir, 'index.html');
  const full = join(rootDir, ...segments);
  const rel = relative(rootDir, full);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return null;
  return full;
}
