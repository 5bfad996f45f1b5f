// How an operation call becomes an HTTP request, read off the contract
// registry (path, method, query fields) — the same registry the server mounts,
// so the two cannot drift. Kept free of DOM APIs so unit tests run it in Node.
import { getOperation, type OperationName } from '../../contract';
import { ApiError } from './api-error';

export interface HttpRequestSpec {
  method: string;
  /** Path plus query string, relative to the station's origin. */
  url: string;
  /** JSON body for body-carrying routes; undefined otherwise (and for streamed bodies). */
  body?: unknown;
}

type Input = Record<string, unknown>;

/** Builds method, URL and body for `name` called with `input`. */
export function buildHttpRequest(name: OperationName, input: unknown): HttpRequestSpec {
  const op = getOperation(name);
  const http = op.http;
  if (!http) throw new ApiError(0, 'no_http_route', `operation '${name}' has no HTTP route`);
  const fields: Input = input !== null && typeof input === 'object' ? { ...(input as Input) } : {};

  const path = http.path.replace(/\{(\w+)\}/g, (_m, param: string) => {
    const value = fields[param];
    if (value === undefined || value === null || value === '') {
      throw new ApiError(0, 'missing_path_param', `operation '${name}' needs '${param}'`);
    }
    delete fields[param];
    return encodeURIComponent(String(value));
  });

  // GET/DELETE carry everything in the query; streamed bodies are the file itself.
  const queryOnly = http.method === 'GET' || http.method === 'DELETE' || http.streamBody !== undefined;
  const queryFields: Input = {};
  const bodyFields: Input = {};
  for (const [k, v] of Object.entries(fields)) {
    if (queryOnly || http.query?.includes(k)) queryFields[k] = v;
    else bodyFields[k] = v;
  }
  const qs = toQueryString(queryFields);
  const url = qs ? `${path}?${qs}` : path;
  if (queryOnly) return { method: http.method, url };
  return { method: http.method, url, body: bodyFields };
}

/** Repeated parameters for arrays; undefined, null and empty strings are left out. */
export function toQueryString(fields: Input): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) {
    for (const item of Array.isArray(v) ? v : [v]) {
      const text = scalarText(item);
      if (text !== undefined) params.append(k, text);
    }
  }
  return params.toString();
}

function scalarText(v: unknown): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Content type of an import upload, from the file name (browsers rarely know NDJSON). */
export function contentTypeOf(file: { name: string; type: string }): string {
  const name = file.name.toLowerCase();
  if (/\.(ndjson|jsonl)$/.test(name) || file.type === 'application/x-ndjson') return 'application/x-ndjson';
  return 'text/csv';
}
