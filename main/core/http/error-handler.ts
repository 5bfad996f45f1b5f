import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_STATUS, type ErrorCode } from '../../../contract/errors';
import { AppError } from '../platform/errors';

/** Fastify's own 4xx errors, mapped to our codes with messages an operator can act on. */
function fromFastify(err: FastifyError): AppError | undefined {
  const status = err.statusCode ?? 500;
  if (status >= 500) return undefined;
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type', `unsupported content type; this route takes application/json`, { accepted: ['application/json'] });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large', `request body is larger than the limit; split the batch or use POST /api/v1/data/import`, { reason: 'body_too_large' });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('invalid_json', 'the body is empty but the content type is application/json', { reason: 'empty' });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('invalid_json', `the body is not valid JSON: ${err.message}`, { reason: 'syntax' });
    default: {
      if (err instanceof SyntaxError || /JSON/.test(err.message)) return new AppError('invalid_json', `the body is not valid JSON: ${err.message}`, { reason: 'syntax' });
      const code = (Object.keys(ERROR_STATUS) as ErrorCode[]).find((c) => ERROR_STATUS[c] === status) ?? 'bad_request';
      return new AppError(code, err.message, { framework_code: err.code ?? null });
    }
  }
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((raw, req, reply) => {
    const err = raw as FastifyError;
    const appErr = err instanceof AppError ? err : fromFastify(err);
    if (!appErr || (appErr.status >= 500 && appErr.code !== 'unavailable' && appErr.code !== 'insufficient_storage')) {
      req.log.error({ err }, 'request failed');
      const e = appErr ?? new AppError('internal', 'internal error; the station logged it under this correlation id');
      return reply.status(e.status).send({ error: e.toBody(), correlation_id: req.id });
    }
    // A refusal before the body was read: the rest of it is not wanted, so the connection closes.
    if (appErr.status === 503 || appErr.status === 408 || appErr.status === 413) void reply.header('connection', 'close');
    if (appErr.status === 429 || appErr.status === 401 || appErr.status === 403 || appErr.status >= 500) req.log.info({ code: appErr.code }, appErr.message);
    else req.log.debug({ code: appErr.code }, appErr.message);
    void reply.headers(appErr.headers);
    return reply.status(appErr.status).send({ error: appErr.toBody(), correlation_id: req.id });
  });

  app.setNotFoundHandler((req, reply) => {
    const e = new AppError('not_found', `no route ${req.method} ${req.url.split('?')[0]}`, { method: req.method, path: req.url.split('?')[0] });
    return reply.status(404).send({ error: e.toBody(), correlation_id: req.id });
  });
}

/** Longest path parameter the router accepts (fastify `routerOptions.maxParamLength`). */
export const MAX_PARAM_LENGTH = 256;

/**
 * Errors the router raises before any hook or error handler runs: a path with
 * malformed percent-encoding (`/sensors/%ZZ`) or a path parameter over
 * MAX_PARAM_LENGTH. Fastify answered those in its own body shape
 * (`{"error":"Bad Request",...}`), which API clients cannot read as
 * `{error:{code,message}}`; this gives them the API's shape. Install as the
 * `frameworkErrors` server option.
 */
export function frameworkErrorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  const path = req.url.split('?')[0]!;
  const shown = path.length > 80 ? `${path.slice(0, 80)}…` : path;
  const e =
    err.code === 'FST_ERR_BAD_URL'
      ? new AppError('bad_request', `the path ${shown} is not valid: it has a malformed %-escape; percent-encode path segments as UTF-8`, { path: shown })
      : err.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? new AppError('uri_too_long', `a path parameter in ${shown} is longer than ${MAX_PARAM_LENGTH} characters`, { path: shown, max: MAX_PARAM_LENGTH })
        : undefined;
  if (!e) {
    req.log.error({ err }, 'request failed in the router');
    const internal = new AppError('internal', 'internal error; the station logged it under this correlation id');
    void reply.status(internal.status).send({ error: internal.toBody(), correlation_id: req.id });
    return;
  }
  req.log.debug({ code: e.code }, e.message);
  void reply.header('x-correlation-id', req.id).status(e.status).send({ error: e.toBody(), correlation_id: req.id });
}
