import { getOperation, hasAccess, type OperationName } from '../../contract';
import { AppError, inputError } from './platform/errors';
import type { HandlerContext, Handlers } from './platform/operations';

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
    if (!ctx.principal) throw new AppError('unauthorized', 'an API key is required: send X-API-Key or Authorization: Bearer, or sign in', { reason: 'missing' });
    if (!hasAccess(ctx.principal.scopes, op.access)) {
      throw new AppError('forbidden', `${name} needs the '${op.access}' scope; ${ctx.principal.kind === 'session' ? 'this session' : 'this key'} has ${ctx.principal.scopes.join(', ') || 'none'}`, {
        required_scope: op.access,
        scopes: ctx.principal.scopes,
      });
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
      throw new AppError('internal', `${name} produced output that does not match its contract`, { operation: name });
    }
  }
  return output;
}
