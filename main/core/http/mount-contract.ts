import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { operations, type Operation, type OperationName } from '../../../contract';
import { AppError } from '../errors';
import type { HandlerContext, Handlers } from '../handlers/context';
import { invokeOperation } from '../invoke';
import type { Services } from '../services';
import { IdempotencyGuard } from './idempotency';
import { routeSchema } from './openapi';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Operation['access'];
    operation?: string;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The input object of an operation, assembled from query, body and path parameters. */
function rawInput(op: Operation, req: FastifyRequest): Record<string, unknown> {
  const http = op.http!;
  const query = isObject(req.query) ? req.query : {};
  const params = isObject(req.params) ? req.params : {};
  let body: unknown = {};
  if (!http.streamBody && req.body !== undefined && req.body !== null) {
    if (req.body instanceof Readable) {
      req.body.resume();
      throw new AppError('unsupported_media_type', `${op.http!.path} takes application/json`);
    }
    body = http.adaptBody ? http.adaptBody(req.body) : req.body;
    if (!isObject(body)) {
      throw new AppError('validation_failed', 'the body must be a JSON object', [{ path: '(body)', message: 'expected a JSON object' }]);
    }
  }
  return { ...query, ...(body as Record<string, unknown>), ...params };
}

function streamFormat(op: Operation, req: FastifyRequest): 'csv' | 'ndjson' {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (!(req.body instanceof Readable) || !op.http!.streamBody!.includes(type)) {
    if (req.body instanceof Readable) req.body.resume();
    throw new AppError('unsupported_media_type', `send the file with Content-Type ${op.http!.streamBody!.join(' or ')}`);
  }
  return type === 'text/csv' ? 'csv' : 'ndjson';
}

/**
 * Mounts every contract operation that has an HTTP binding as a route. The
 * route only translates: assembling input, replaying idempotent responses,
 * streaming file results. Access checks, validation and the handler itself
 * run in invokeOperation, exactly as for IPC.
 */
export function mountContract(app: FastifyInstance, services: Services, handlers: Handlers, opts: { validateOutput: boolean }): void {
  const guard = new IdempotencyGuard(services);
  for (const [name, def] of Object.entries(operations) as Array<[OperationName, Operation]>) {
    const http = def.http;
    if (!http) continue;
    app.route({
      method: http.method,
      url: http.path.replace(/\{(\w+)\}/g, ':$1'),
      schema: routeSchema(def),
      config: { access: def.access, operation: name },
      handler: async (req, reply) => {
        const ctx: HandlerContext = { services, principal: req.principal, correlationId: req.id, log: req.log };
        if (http.streamBody) {
          ctx.bodyFormat = streamFormat(def, req);
          ctx.body = req.body as Readable;
        }
        const input = rawInput(def, req);
        const status = http.status ?? 200;
        const idemKey = req.headers['idempotency-key'];
        let output: unknown;
        if (http.idempotent && idemKey !== undefined && req.principal) {
          output = await guard.run(
            { principalId: req.principal.keyId, key: String(idemKey), operation: name, input, status },
            reply,
            (recordResponse) => invokeOperation(handlers, name, input, { ...ctx, recordResponse }, opts),
          );
          if (reply.getHeader('idempotent-replayed')) return output;
        } else {
          output = await invokeOperation(handlers, name, input, ctx, opts);
        }
        if (http.produces) {
          const file = output as { contentType: string; filename: string; body: AsyncIterable<string | Uint8Array> };
          void reply
            .status(status)
            .header('content-type', file.contentType)
            .header('content-disposition', `attachment; filename="${file.filename}"`);
          return reply.send(Readable.from(file.body));
        }
        return reply.status(status).send(output);
      },
    });
  }
}
