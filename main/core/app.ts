import type { FastifyInstance } from 'fastify';
import { isIP } from 'node:net';
import type { OperationName } from '../../contract';
import type { StationConfig } from './config';
import type { Logger } from './log';
import { createLogger } from './log';
import { createServices, type Services } from './services';
import { handlers } from './handlers';
import type { HandlerContext, Principal } from './handlers/context';
import { invokeOperation } from './invoke';
import { buildServer } from './http/server';
import { randomUUID } from 'node:crypto';

export interface StationOptions {
  log?: Logger;
  /** Built renderer to serve at `/`. */
  rendererDir?: string;
  /** Check handler outputs against the contract (tests, development). */
  validateOutput?: boolean;
  now?: () => number;
}

export interface Station {
  services: Services;
  http: FastifyInstance;
  /** Base URL once started. */
  url: string | undefined;
  start(): Promise<string>;
  stop(): Promise<void>;
  /** Calls an operation in-process (IPC, CLI), with the rules HTTP callers get. */
  invoke(name: OperationName, input: unknown, principal: Principal | null, extra?: Partial<HandlerContext>): Promise<unknown>;
}

const HOUR_MS = 3600_000;

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

/** Composition root of a station: storage, services, handlers and the HTTP server. */
export async function createStation(config: StationConfig, opts: StationOptions = {}): Promise<Station> {
  const log = opts.log ?? createLogger({ level: config.logLevel });
  const services = createServices(config, log, opts.now);
  const http = await buildServer(services, handlers, { ...(opts.rendererDir ? { rendererDir: opts.rendererDir } : {}), validateOutput: opts.validateOutput ?? false });
  let housekeeping: NodeJS.Timeout | undefined;

  const station: Station = {
    services,
    http,
    url: undefined,

    async start() {
      setupBootstrapKey(services);
      const interrupted = services.imports.markInterrupted(services.now());
      if (interrupted > 0) log.warn({ interrupted }, 'imports left running by the previous process were marked interrupted');
      services.idempotency.purge(services.now());
      housekeeping = setInterval(() => services.idempotency.purge(services.now()), HOUR_MS).unref();
      if (!isLoopback(config.host) && !config.tls) {
        log.warn({ host: config.host }, 'binding beyond this machine without TLS: API keys and readings cross the network in clear text; set --tls-cert and --tls-key');
      }
      await http.listen({ host: config.host, port: config.port });
      const addr = http.server.address();
      const port = typeof addr === 'object' && addr ? addr.port : config.port;
      const host = config.host.includes(':') ? `[${config.host}]` : config.host;
      station.url = `${config.tls ? 'https' : 'http'}://${host}:${port}`;
      services.listeningOn = `${host}:${port}`;
      return station.url;
    },

    async stop() {
      if (housekeeping) clearInterval(housekeeping);
      await http.close();
      await services.ml.jobs.stop();
      services.ml.cache.clear();
      services.queue.flush();
      services.db.close();
    },

    invoke(name, input, principal, extra = {}) {
      const ctx: HandlerContext = { services, principal, correlationId: randomUUID(), log, ...extra };
      return invokeOperation(handlers, name, input, ctx, { validateOutput: opts.validateOutput ?? false });
    },
  };
  return station;
}

/** Creates the configured bootstrap admin key once; a revoked one is not resurrected. */
function setupBootstrapKey(services: Services): void {
  const secret = services.config.bootstrapKey;
  if (!secret || services.keys.existsWithSecret(secret)) return;
  const now = services.now();
  const { record } = services.keys.create({ name: 'bootstrap', scopes: ['admin'], secret }, now);
  services.audit.append({ actorKeyId: null, action: 'keys.bootstrap', target: record.id }, now);
  services.log.info({ keyId: record.id }, 'bootstrap admin key created');
}
