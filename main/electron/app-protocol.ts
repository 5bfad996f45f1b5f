import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { resolveAppPath, WINDOW_CSP } from './security-policy';

// Serves the built renderer for the `app://` scheme. Written against the
// standard Request/Response (globals in Node 20 and Electron alike) so it is
// tested under plain Node; security.ts hands it to protocol.handle.

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

function securityHeaders(): Record<string, string> {
  return {
    'content-security-policy': WINDOW_CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
  };
}

function plain(status: number, text: string): Response {
  return new Response(text, { status, headers: { ...securityHeaders(), 'content-type': 'text/plain; charset=utf-8' } });
}

/** One `app://` request: a file from `rendererDir` with the window's CSP, or 4xx. */
export async function serveAppRequest(request: Request, rendererDir: string): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'method not allowed');
  const file = resolveAppPath(request.url, rendererDir);
  if (!file) return plain(404, 'not found');
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return plain(404, 'not found');
    throw err;
  }
  const headers = {
    ...securityHeaders(),
    'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'content-length': String(data.byteLength),
  };
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(data), { status: 200, headers });
}
