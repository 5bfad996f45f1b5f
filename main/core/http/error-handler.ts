import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, ERROR_STATUS, type ErrorCode } from '../errors';

/** Fastify's own 4xx errors, mapped to our codes with messages an operator can act on. */
function fromFastify(err: FastifyError): AppError | undefined {
  const status = err.statusCode ?? 500;
  if (status >= 500) return undefined;
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type', `unsupported content type; this route takes application/json`);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large', `request body is larger than the limit; split the batch or use POST /api/v1/data/import`);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('invalid_json', 'the body is empty but the content type is application/json');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('invalid_json', `the body is not valid JSON: ${err.message}`);
    default: {
      if (err instanceof SyntaxError || /JSON/.test(err.message)) return new AppError('invalid_json', `the body is not valid JSON: ${err.message}`);
      const code = (Object.keys(ERROR_STATUS) as ErrorCode[]).find((c) => ERROR_STATUS[c] === status) ?? 'bad_request';
      return new AppError(code, err.message);
    }
  }
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((raw, req, reply) => {
    const err = raw as FastifyError;
    const appErr = err instanceof AppError ? err : fromFastify(err);
    if (!appErr || appErr.status >= 500) {
      req.log.error({ err }, 'request failed');
      const e = appErr ?? new AppError('internal', 'internal error; the station logged it under this correlation id');
      return reply.status(e.status).send({ error: e.toBody(), correlation_id: req.id });
    }
    if (appErr.status === 429 || appErr.status === 401 || appErr.status === 403) req.log.info({ code: appErr.code }, appErr.message);
    else req.log.debug({ code: appErr.code }, appErr.message);
    void reply.headers(appErr.headers);
    return reply.status(appErr.status).send({ error: appErr.toBody(), correlation_id: req.id });
  });

  app.setNotFoundHandler((req, reply) => {
    const e = new AppError('not_found', `no route ${req.method} ${req.url.split('?')[0]}`);
    return reply.status(404).send({ error: e.toBody(), correlation_id: req.id });
  });
}
