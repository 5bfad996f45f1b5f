import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyCookie from '@fastify/cookie';
import { IMPORT_CONTENT_TYPES } from '../../../contract/imports';
import { hasAccess } from '../../../contract';
import type { StationConfig } from '../config';
import type { Authenticator } from '../domains/auth';
import { AppError } from '../platform/errors';
import type { Logger } from '../platform/log';
import type { StationMetrics } from '../platform/metrics';
import type { Handlers } from '../platform/operations';
import type { WriteQueue } from '../platform/write-queue';
import { createRequestAuthenticator } from './auth';
import { frameworkErrorHandler, installErrorHandling, MAX_PARAM_LENGTH } from './error-handler';
import type { IdempotencyStore } from './idempotency-store';
import { DEFAULT_LIMITS, installLimits, type LimitOptions } from './limits';
import { mountContract } from './mount-contract';
import { installRateLimit } from './rate-limit';

export interface ServerDeps {
  config: StationConfig;
  log: Logger;
  metrics: StationMetrics;
  handlers: Handlers;
  authenticator: Authenticator;
  idempotency: IdempotencyStore;
  writer: WriteQueue;
  version: string;
}

export interface ServerOptions {
  /** Built renderer (index.html and assets) to serve at `/`; omitted when absent. */
  rendererDir?: string;
  validateOutput?: boolean;
  limits?: Partial<LimitOptions>;
  /** Open connections at once; more are refused at the socket. */
  maxConnections?: number;
  /** Close a socket silent this long (default IDLE_SOCKET_MS). */
  idleSocketMs?: number;
}

/** A socket that sends nothing for this long is closed (event streams send a heartbeat well within it). */
export const IDLE_SOCKET_MS = 60_000;
/** Time to receive a request's headers. */
export const HEADERS_TIMEOUT_MS = 15_000;
/** Time to receive a whole request, however large (a bulk import streams its file in this). */
export const REQUEST_TIMEOUT_MS = 30 * 60_000;
export const MAX_CONNECTIONS = 512;

/** Largest JSON body: 10,000 readings with metadata fit well inside it. */
export const JSON_BODY_LIMIT = 32 * 1024 * 1024;

const CORRELATION_RE = /^[A-Za-z0-9._:-]{1,128}$/;

/** CSP of the web console: only its own scripts, styles and API. */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export async function buildServer(deps: ServerDeps, opts: ServerOptions = {}): Promise<{ app: FastifyInstance; inFlightBodyBytes: () => number }> {
  const { config, metrics } = deps;
  const app = Fastify({
    loggerInstance: deps.log.child({ sub: 'http' }) as FastifyBaseLogger,
    // Per-request lines would flood the log under ingest; latency goes to /metrics instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: JSON_BODY_LIMIT,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // Router errors (bad %-escapes, over-long path parameters) in the API's error shape, not fastify's.
    frameworkErrors: frameworkErrorHandler,
    return503OnClosing: true,
    connectionTimeout: opts.idleSocketMs ?? IDLE_SOCKET_MS,
    keepAliveTimeout: 5_000,
    requestTimeout: REQUEST_TIMEOUT_MS,
    ...(config.tls ? { https: { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) } } : {}),
    // Correlation ids: accepted from the caller when well-formed, else generated.
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-correlation-id'];
      return typeof given === 'string' && CORRELATION_RE.test(given) ? given : randomUUID();
    },
  });
  app.decorateRequest('principal', null);
  app.server.headersTimeout = HEADERS_TIMEOUT_MS;
  app.server.maxConnections = opts.maxConnections ?? MAX_CONNECTIONS;
  await app.register(fastifyCookie);

  // Fastify validates nothing by itself: schemas only document routes, zod validates.
  app.setValidatorCompiler(() => (data) => ({ value: data }));
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  // JSON routes take JSON only; a text/plain body would otherwise reach them as a string.
  app.removeContentTypeParser('text/plain');
  // Bulk import bodies are streamed to the handler, never buffered.
  app.addContentTypeParser([...IMPORT_CONTENT_TYPES], (_req, payload, done) => done(null, payload));

  installErrorHandling(app);
  const limits = installLimits(app, IMPORT_CONTENT_TYPES, { ...DEFAULT_LIMITS, ...opts.limits });
  app.addHook('onClose', async () => limits.close());

  // Hooks that never wait take fastify's callback form: an async hook costs a promise on every request.
  app.addHook('onRequest', (req, reply, done) => {
    void reply.header('x-correlation-id', req.id);
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('referrer-policy', 'no-referrer');
    void reply.header('x-frame-options', 'DENY');
    done();
  });
  const authenticate = createRequestAuthenticator(deps.authenticator);
  app.addHook('onRequest', (req, reply, done) => {
    const access = req.routeOptions.config.access;
    if (access === undefined || access === 'public') done();
    else authenticate(req, reply, done);
  });
  app.addHook('onSend', (req, reply, payload, done) => {
    if (req.url.startsWith('/api/') || req.url.startsWith('/health') || req.url.startsWith('/metrics')) void reply.header('cache-control', 'no-store');
    done(null, payload);
  });
  app.addHook('onResponse', (req, reply, done) => {
    metrics.observeHttp(req.method, req.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

  // After the hook that authenticates: a caller is counted under its key or session, else its address.
  const rate = installRateLimit(app, {
    keyOf: (req) => (req.principal ? `${req.principal.kind}:${req.principal.id}` : `ip:${req.ip}`),
    limitOf: (req) => (req.principal ? (req.principal.rateLimitPerMinute ?? config.rateLimitPerMinute) : Math.max(600, config.rateLimitPerMinute)),
    message: (req, limit, retryAfterS) => `rate limit of ${limit} requests per minute exceeded${req.principal ? ` for '${req.principal.name}'` : ''}; retry in ${retryAfterS} s`,
  });
  app.addHook('onClose', async () => rate.close());

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Smart Maintenance Console station API', version: deps.version },
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'smc_session' },
        },
      },
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', staticCSP: true });

  mountContract(app, { handlers: deps.handlers, idempotency: deps.idempotency, writer: deps.writer, secureCookies: config.tls !== undefined, validateOutput: opts.validateOutput ?? false });

  app.get('/metrics', { config: { access: 'read' }, schema: { hide: true } }, async (req, reply) => {
    if (!req.principal || !hasAccess(req.principal.scopes, 'read')) throw new AppError('forbidden', '/metrics needs the read scope', { required_scope: 'read' });
    const body = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(body);
  });

  if (opts.rendererDir && existsSync(join(opts.rendererDir, 'index.html'))) {
    await app.register(fastifyStatic, {
      root: opts.rendererDir,
      prefix: '/',
      index: 'index.html',
      setHeaders(res, path) {
        if (path.endsWith('.html')) {
          void res.header('content-security-policy', CONSOLE_CSP);
          void res.header('cache-control', 'no-cache');
        } else if (path.includes(`${join('assets', '')}`)) {
          void res.header('cache-control', 'public, max-age=31536000, immutable');
        }
      },
    });
  }
  return { app, inFlightBodyBytes: limits.inFlight };
}
