import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { operations, type Operation, type OperationName, type StreamResult } from '../../../contract';
import { AppError } from '../platform/errors';
import { SESSION_TOKEN, type HandlerContext, type Handlers } from '../platform/operations';
import type { WriteQueue } from '../platform/write-queue';
import { invokeOperation } from '../invoke';
import { SESSION_COOKIE } from './auth';
import { IdempotencyGuard } from './idempotency';
import type { IdempotencyStore } from './idempotency-store';
import { routeSchema } from './openapi';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Operation['access'];
    operation?: string;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The input object of an operation, assembled from headers, query, body and path parameters. */
function rawInput(op: Operation, req: FastifyRequest): Record<string, unknown> {
  const http = op.http!;
  const query = isObject(req.query) ? req.query : {};
  const params = isObject(req.params) ? req.params : {};
  let body: unknown = {};
  if (!http.streamBody && req.body !== undefined && req.body !== null) {
    if (req.body instanceof Readable) {
      req.body.resume();
      throw new AppError('unsupported_media_type', `${op.http!.path} takes application/json`, { accepted: ['application/json'] });
    }
    body = http.adaptBody ? http.adaptBody(req.body) : req.body;
    if (!isObject(body)) {
      throw new AppError('validation_failed', 'the body must be a JSON object', [{ path: '(body)', code: 'not_an_object', message: 'The body must be a JSON object.' }]);
    }
  }
  const fromHeaders: Record<string, unknown> = {};
  for (const [header, field] of Object.entries(http.headers ?? {})) {
    const v = req.headers[header];
    if (typeof v === 'string' && v !== '') fromHeaders[field] = v;
  }
  return { ...fromHeaders, ...query, ...(body as Record<string, unknown>), ...params };
}

function streamFormat(op: Operation, req: FastifyRequest): 'csv' | 'ndjson' {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (!(req.body instanceof Readable) || !op.http!.streamBody!.includes(type)) {
    if (req.body instanceof Readable) req.body.resume();
    throw new AppError('unsupported_media_type', `send the file with Content-Type ${op.http!.streamBody!.join(' or ')}`, { accepted: op.http!.streamBody });
  }
  return type === 'text/csv' ? 'csv' : 'ndjson';
}

function cookieOptions(secure: boolean, maxAgeS: number) {
  return { path: '/', httpOnly: true, sameSite: 'strict' as const, secure, maxAge: maxAgeS };
}

function sendStream(reply: FastifyReply, req: FastifyRequest, status: number, file: StreamResult, abort: AbortController): FastifyReply {
  void reply.status(status).header('content-type', file.contentType);
  if (file.filename) void reply.header('content-disposition', `attachment; filename="${file.filename}"`);
  for (const [k, v] of Object.entries(file.headers ?? {})) void reply.header(k, v);
  const stream = Readable.from(file.body);
  // A client that goes away ends the producer (an event stream would otherwise wait forever).
  req.raw.once('close', () => {
    abort.abort();
    stream.destroy();
  });
  return reply.send(stream);
}

/**
 * Mounts every contract operation that has an HTTP binding as a route (and
 * each alias path as a deprecated twin). The route only translates:
 * assembling input, replaying idempotent responses, cookies for sessions,
 * streaming results. Access checks, validation and the handler itself run
 * in invokeOperation, exactly as for IPC.
 */
export function mountContract(
  app: FastifyInstance,
  deps: { handlers: Handlers; idempotency: IdempotencyStore; writer: WriteQueue; secureCookies: boolean; validateOutput: boolean },
): void {
  const guard = new IdempotencyGuard(deps.idempotency, deps.writer);
  const opts = { validateOutput: deps.validateOutput };
  for (const [name, def] of Object.entries(operations) as Array<[OperationName, Operation]>) {
    const http = def.http;
    if (!http) continue;
    const handler = async (req: FastifyRequest, reply: FastifyReply) => {
      // Only a streamed answer needs to hear that its client went away.
      const abort = http.produces ? new AbortController() : undefined;
      const ctx: HandlerContext = { principal: req.principal, correlationId: req.id, log: req.log, ip: req.ip };
      if (abort) ctx.signal = abort.signal;
      const ua = req.headers['user-agent'];
      if (typeof ua === 'string') ctx.userAgent = ua;
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
          { principalId: req.principal.keyId ?? req.principal.id, key: String(idemKey), operation: name, input, status },
          reply,
          (recordResponse) => invokeOperation(deps.handlers, name, input, { ...ctx, recordResponse }, opts),
        );
        if (reply.getHeader('idempotent-replayed')) return output;
      } else {
        output = await invokeOperation(deps.handlers, name, input, ctx, opts);
      }
      if (http.produces) return sendStream(reply, req, status, output as StreamResult, abort!);
      if (http.session === 'create') {
        const token = (output as Record<symbol, unknown>)[SESSION_TOKEN];
        const expires = Date.parse((output as { expires_at: string }).expires_at);
        if (typeof token === 'string') void reply.setCookie(SESSION_COOKIE, token, cookieOptions(deps.secureCookies, Math.max(1, Math.floor((expires - Date.now()) / 1000))));
      } else if (http.session === 'destroy') {
        void reply.clearCookie(SESSION_COOKIE, cookieOptions(deps.secureCookies, 0));
      }
      return reply.status(status).send(output);
    };
    for (const [i, path] of [http.path, ...(http.aliases ?? [])].entries()) {
      app.route({
        method: http.method,
        url: path.replace(/\{(\w+)\}/g, ':$1'),
        schema: routeSchema(def, path, i),
        config: { access: def.access, operation: name },
        handler,
      });
    }
  }
}
