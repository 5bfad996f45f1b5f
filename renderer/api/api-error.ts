import type { IssueDetail } from '../../contract/common';

// Every failure a call can end in — HTTP status, IPC rejection or no network
// at all — becomes one typed error, so screens handle a single shape.

export type Issue = IssueDetail;

export class ApiError extends Error {
  constructor(
    /** HTTP status; 0 when the station could not be reached. */
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly correlationId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Per-field problems, when the details carry a list of them (422). */
  get issues(): Issue[] {
    const d = this.details;
    const list = Array.isArray(d) ? d : isRecord(d) && Array.isArray(d.issues) ? d.issues : [];
    return list.filter((i): i is Issue => isRecord(i) && typeof i.message === 'string').map((i) => ({ ...i, path: String(i.path ?? '') }));
  }
}

export const NETWORK_ERROR = 'network';

export function isRecord(v: unknown): v is Record<string, any> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Builds the error from a response body `{error:{code,message,details}, correlation_id}`. */
export function errorFromBody(status: number, body: unknown, fallbackText = ''): ApiError {
  if (isRecord(body) && isRecord(body.error) && typeof body.error.code === 'string') {
    const e = body.error;
    return new ApiError(status, e.code, String(e.message ?? e.code), e.details, typeof body.correlation_id === 'string' ? body.correlation_id : undefined);
  }
  return new ApiError(status, status === 0 ? NETWORK_ERROR : `http_${status}`, fallbackText || `HTTP ${status}`);
}

/** The preload bridge rejects with `{code, message, details}` (and maybe a status); keep what it says. */
export function errorFromBridge(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (isRecord(err) && typeof err.code === 'string') {
    const status = typeof err.status === 'number' ? err.status : statusOfCode(err.code);
    return new ApiError(status, err.code, String(err.message ?? err.code), err.details, typeof err.correlationId === 'string' ? err.correlationId : undefined);
  }
  return new ApiError(500, 'internal', err instanceof Error ? err.message : String(err));
}

const CODE_STATUS: Record<string, number> = {
  bad_request: 400, invalid_json: 400, unauthorized: 401, forbidden: 403, not_found: 404, conflict: 409,
  payload_too_large: 413, unsupported_media_type: 415, validation_failed: 422, rate_limited: 429, unavailable: 503,
};

function statusOfCode(code: string): number {
  return CODE_STATUS[code] ?? 500;
}
