import type { z } from 'zod';
import { ERROR_STATUS, isErrorCode, type ErrorCode, type IssueDetail } from '../../../contract/errors';

export { ERROR_STATUS, isErrorCode };

// Errors that cross a boundary (HTTP, IPC, CLI) are typed: a stable code, a
// sentence for the person reading it, and details (always present: an
// object with context, or the list of issues). Each code maps to exactly
// one HTTP status, in the contract.

export type { ErrorCode, IssueDetail };

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, message: string, details?: unknown, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details ?? {};
    this.headers = headers;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  toBody(): { code: ErrorCode; message: string; details: unknown } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

/** A 422 about one field, with the issue list every validation error carries. */
export function fieldError(field: string, message: string, extra: Partial<IssueDetail> = {}): AppError {
  return new AppError('validation_failed', message, [{ path: field, field, message, ...extra }]);
}

/**
 * zod's issues in the contract's issue shape. An unknown field is one
 * issue per name, `unknown_field` with `params.field`, as the readings
 * validator reports it, so a form can mark each one.
 */
export function zodIssues(error: z.ZodError): IssueDetail[] {
  return error.issues.flatMap((i): IssueDetail[] => {
    const path = i.path.map(String).join('.');
    if (i.code === 'unrecognized_keys') {
      return i.keys.map((key) => {
        // A query string may carry a parameter with no name at all.
        const name = key === '' ? '(empty name)' : key;
        return {
          path: path ? `${path}.${name}` : name,
          field: i.path.length > 0 ? String(i.path[0]) : name,
          message: `unknown field '${name}'`,
          code: 'unknown_field',
          params: { field: name },
        };
      });
    }
    const detail: IssueDetail = { path: path || '(input)', message: i.message, code: i.code, ...codeParams(i) };
    if (i.path.length > 0) detail.field = String(i.path[0]);
    return [detail];
  });
}

/** What a sentence about a zod issue needs besides the field: the bound crossed, the type or values expected. */
function codeParams(i: z.core.$ZodIssue): Pick<IssueDetail, 'params'> {
  switch (i.code) {
    case 'too_small':
      return { params: { min: Number(i.minimum), of: i.origin, inclusive: i.inclusive !== false } };
    case 'too_big':
      return { params: { max: Number(i.maximum), of: i.origin, inclusive: i.inclusive !== false } };
    case 'invalid_type':
      return { params: { expected: i.expected } };
    case 'invalid_value':
      return { params: { allowed: i.values.map(String).join(', ') } };
    default:
      return {};
  }
}

export function inputError(error: z.ZodError): AppError {
  const issues = zodIssues(error);
  const first = issues[0]!;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return new AppError('validation_failed', `invalid ${first.path}: ${first.message}${more}`, issues);
}
