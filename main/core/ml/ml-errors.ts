import { AppError, type IssueDetail } from '../platform/errors';

// Bad model input (a CSV without the named column, too few rows, a NaN in a
// feature) is the caller's mistake: a 422 naming the problem, a non-zero CLI
// exit with the same message — never a crash or a silently wrong score.

export class MlInputError extends AppError {
  constructor(message: string, where: { path?: string; field?: string; line?: number } = {}) {
    const issue: IssueDetail = { path: where.path ?? where.field ?? '(input)', message };
    if (where.field !== undefined) issue.field = where.field;
    if (where.line !== undefined) issue.line = where.line;
    super('validation_failed', message, [issue]);
    this.name = 'MlInputError';
  }
}

/** Too little data to train or test: a 422 as well, with its own wording. */
export function tooFewRows(what: string, got: number, need: number, path = '(input)'): MlInputError {
  return new MlInputError(`${what}: ${got} row${got === 1 ? '' : 's'}, need at least ${need}`, { path });
}
