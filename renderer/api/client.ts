// The typed client: one `invoke` for every contract operation, over IPC when
// the desktop bridge is present and over HTTP otherwise. In a browser the
// credential is the session cookie (sent by the browser, never seen here)
// plus the CSRF token on every change.
import type { InputOf, OperationName, OutputOf } from '../../contract';
import { ApiError, errorFromBody, errorFromBridge, NETWORK_ERROR, parseRetryAfter } from './api-error';
import { buildHttpRequest } from './http-mapping';
import { csrfHeaders } from './session-token';

export interface CallOptions {
  signal?: AbortSignal;
  /**
   * A 401 here is the answer, not a sign that the session ended (signing
   * in, checking for a session at start): the session store is not told.
   */
  expectUnauthorized?: boolean;
}

type UnauthorizedListener = (err: ApiError) => void;
let onUnauthorized: UnauthorizedListener | undefined;

/** The session store listens here: a 401 after sign-in means the session was ended or expired. */
export function setUnauthorizedListener(listener: UnauthorizedListener | undefined): void {
  onUnauthorized = listener;
}

export function hasBridge(): boolean {
  return typeof window !== 'undefined' && window.smc !== undefined;
}

export async function invoke<N extends OperationName>(name: N, input: InputOf<N>, opts: CallOptions = {}): Promise<OutputOf<N>> {
  if (window.smc) {
    try {
      return (await window.smc.invoke(name, input)) as OutputOf<N>;
    } catch (err) {
      throw errorFromBridge(err);
    }
  }
  const spec = buildHttpRequest(name, input);
  const headers: Record<string, string> = { Accept: 'application/json', ...csrfHeaders(spec.method) };
  const init: RequestInit = { method: spec.method, headers, credentials: 'same-origin', ...(opts.signal ? { signal: opts.signal } : {}) };
  if (spec.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(spec.body);
  }
  const res = await fetchOrThrow(spec.url, init);
  return (await readJson(res, !opts.expectUnauthorized)) as OutputOf<N>;
}

/** fetch, with "could not reach the station" as an ApiError rather than a TypeError. */
export async function fetchOrThrow(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, NETWORK_ERROR, err instanceof Error ? err.message : String(err));
  }
}

/** Parses a JSON response, turning error statuses into ApiError. */
export async function readJson(res: Response, reportUnauthorized = true): Promise<unknown> {
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!res.ok) throw raise(errorFromBody(res.status, body, text.slice(0, 200), parseRetryAfter(res.headers.get('retry-after'))), reportUnauthorized);
  return body;
}

/** Reports a 401 to the session before handing the error back. */
export function raise(err: ApiError, reportUnauthorized = true): ApiError {
  if (err.status === 401 && reportUnauthorized) onUnauthorized?.(err);
  return err;
}
