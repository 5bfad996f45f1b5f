import { z } from 'zod';

// Every error that crosses a boundary (HTTP, IPC, CLI) has a stable code,
// and each code has exactly one HTTP status. The station and the console
// both read this table, so a code cannot mean one status on the server and
// another in the browser.

export const ERROR_STATUS = {
  bad_request: 400,
  invalid_json: 400,
  unauthorized: 401,
  forbidden: 403,
  csrf_failed: 403,
  not_found: 404,
  method_not_allowed: 405,
  request_timeout: 408,
  conflict: 409,
  idempotency_mismatch: 409,
  idempotency_in_progress: 409,
  payload_too_large: 413,
  uri_too_long: 414,
  unsupported_media_type: 415,
  validation_failed: 422,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
  insufficient_storage: 507,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_STATUS, code);
}

/** The status of a code; unknown codes (from a newer station) read as 500. */
export function statusOf(code: string): number {
  return isErrorCode(code) ? ERROR_STATUS[code] : 500;
}

/**
 * One problem with an input: where it is and what is wrong. `message` is a
 * sentence an operator can act on; `detail` keeps the precise technical
 * wording; `code` and `params` let the console say it in the operator's
 * language.
 */
export const IssueWire = z.object({
  /** Dotted path of the offending field, e.g. `readings.3.value`. */
  path: z.string(),
  message: z.string(),
  /** Stable machine-readable kind of problem (`required`, `future_timestamp`, …). */
  code: z.string().optional(),
  /** Values the message refers to, for translation. */
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  /** The precise technical description, for logs and integrators. */
  detail: z.string().optional(),
  /** Index of the offending item in a batch, when the input is a batch. */
  index: z.number().optional(),
  /** Name of the offending field inside that item. */
  field: z.string().optional(),
  /** 1-based line of the offending row in an imported file. */
  line: z.number().optional(),
});
export type IssueDetail = z.infer<typeof IssueWire>;

/** Every error response: `details` is always present (an object or a list of issues). */
export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown(),
  }),
  correlation_id: z.string().optional(),
});
