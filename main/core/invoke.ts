import type { z } from 'zod';
import { getOperation, hasAccess, type OperationName } from '../../contract';
import { AppError, type IssueDetail } from './errors';
import type { HandlerContext, Handlers } from './handlers/context';

export interface InvokeOptions {
  /** Check handler output against the contract (on in tests and development). */
  validateOutput?: boolean;
}

/**
 * Transport-independent dispatch: checks access, validates the input against
 * the contract, runs the handler. HTTP routes and IPC both end here, so the
 * rules are the same whichever way a call arrives.
 */
export async function invokeOperation(handlers: Handlers, name: OperationName, rawInput: unknown, ctx: HandlerContext, opts: InvokeOptions = {}): Promise<unknown> {
  const op = getOperation(name);
  if (op.access !== 'public') {
    if (!ctx.principal) throw new AppError('unauthorized', 'an API key is required: send X-API-Key or Authorization: Bearer');
    if (!hasAccess(ctx.principal.scopes, op.access)) {
      throw new AppError('forbidden', `${name} needs the '${op.access}' scope; this key has ${ctx.principal.scopes.join(', ') || 'none'}`);
    }
  }
  const parsed = op.input.safeParse(rawInput ?? {});
  if (!parsed.success) throw inputError(parsed.error);
  const handler = handlers[name] as (input: unknown, ctx: HandlerContext) => unknown;
  const output = await handler(parsed.data, ctx);
  if (opts.validateOutput && op.http?.produces === undefined) {
    const checked = op.output.safeParse(output);
    if (!checked.success) {
      ctx.log.error({ op: name, issues: checked.error.issues }, 'handler output does not match the contract');
      throw new AppError('internal', `${name} produced output that does not match its contract`);
    }
  }
  return output;
}

export function zodIssues(error: z.ZodError): IssueDetail[] {
  return error.issues.map((i) => {
    const path = i.path.map(String).join('.');
    const detail: IssueDetail = { path: path || '(input)', message: i.message, code: i.code };
    if (i.code === 'unrecognized_keys') detail.message = `unknown field(s): ${i.keys.join(', ')}`;
    if (i.path.length > 0) detail.field = String(i.path[0]);
    return detail;
  });
}

export function inputError(error: z.ZodError): AppError {
  const issues = zodIssues(error);
  const first = issues[0]!;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return new AppError('validation_failed', `invalid ${first.path}: ${first.message}${more}`, issues);
}
