import { statusOf } from '../../contract/errors';
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
    /** Seconds the station asked the caller to wait (Retry-After), when it said. */
    readonly retryAfterS?: number,
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

  /** Why a 401 happened (`session_expired`, `session_revoked`, `token_invalid`, `key_unknown`…), when the station said. */
  get reason(): string | undefined {
    const d = this.details;
    return isRecord(d) && typeof d.reason === 'string' ? d.reason : undefined;
  }
}

export const NETWORK_ERROR = 'network';
export const ABORTED = 'aborted';

export function isRecord(v: unknown): v is Record<string, any> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Retry-After in seconds (the station sends delta-seconds); undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null | undefined): number | undefined {
  if (header === null || header === undefined || !/^\s*\d+\s*$/.test(header)) return undefined;
  return Number(header);
}

/** Builds the error from a response body `{error:{code,message,details}, correlation_id}`. */
export function errorFromBody(status: number, body: unknown, fallbackText = '', retryAfterS?: number): ApiError {
  if (isRecord(body) && isRecord(body.error) && typeof body.error.code === 'string') {
    const e = body.error;
    const correlationId = typeof body.correlation_id === 'string' ? body.correlation_id : undefined;
    return new ApiError(status, e.code, String(e.message ?? e.code), e.details, correlationId, retryAfterS);
  }
  return new ApiError(status, status === 0 ? NETWORK_ERROR : `http_${status}`, fallbackText || `HTTP ${status}`, undefined, undefined, retryAfterS);
}

/** The preload bridge rejects with `{code, message, details}` (and maybe a status); keep what it says. */
export function errorFromBridge(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (isRecord(err) && typeof err.code === 'string') {
    const status = typeof err.status === 'number' ? err.status : statusOf(err.code);
    const retryAfterS = typeof err.retryAfterS === 'number' && Number.isFinite(err.retryAfterS) && err.retryAfterS >= 0 ? err.retryAfterS : undefined;
    return new ApiError(status, err.code, String(err.message ?? err.code), err.details, typeof err.correlationId === 'string' ? err.correlationId : undefined, retryAfterS);
  }
  return new ApiError(500, 'internal', err instanceof Error ? err.message : String(err));
}
