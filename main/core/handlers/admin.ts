import { toIso } from '../../../contract/timestamp';
import { AppError } from '../errors';
import { sizeOf } from '../metrics';
import type { HandlerMap } from './context';
import { keyToWire } from './wire';

const SIGN_IN_KEY_TTL_MS = 7 * 24 * 3600_000;
const DAY_MS = 24 * 3600_000;

export const adminHandlers: HandlerMap<
  'health.check' | 'health.db' | 'auth.whoami' | 'auth.signIn' | 'keys.create' | 'keys.list' | 'keys.revoke' | 'audit.list'
> = {
  'health.check': (_input, { services }) => ({
    status: 'ok',
    version: services.version,
    uptime_s: Math.round((services.now() - services.startedAt) / 1000),
  }),

  'health.db': (_input, { services }) => {
    const { db, dbFile } = services;
    const started = performance.now();
    const totals = services.sensors.totals();
    const probeMs = performance.now() - started;
    return {
      status: 'ok',
      schema_version: db.pragma('user_version', { simple: true }) as number,
      journal_mode: String(db.pragma('journal_mode', { simple: true })),
      synchronous: ['off', 'normal', 'full', 'extra'][db.pragma('synchronous', { simple: true }) as number] ?? 'unknown',
      size_bytes: sizeOf(dbFile),
      wal_bytes: sizeOf(`${dbFile}-wal`),
      sensors: totals.sensors,
      readings: totals.readings,
      probe_ms: Math.round(probeMs * 1000) / 1000,
    };
  },

  'auth.whoami': (_input, { principal, services }) => {
    if (!principal) throw new AppError('unauthorized', 'an API key is required');
    return { key_id: principal.keyId, name: principal.name, scopes: principal.scopes, station: services.listeningOn ?? `${services.config.host}:${services.config.port}` };
  },

  'auth.signIn': (input, { services, correlationId, log }) => {
    if (!services.signInTokens.consume(input.token)) {
      throw new AppError('unauthorized', 'sign-in token is not valid (it works once; use the latest link the station printed)');
    }
    const now = services.now();
    const expiresAt = now + SIGN_IN_KEY_TTL_MS;
    const { record, key } = services.keys.create({ name: `web sign-in ${toIso(now).slice(0, 16)}`, scopes: ['admin'], expiresAt }, now);
    services.audit.append({ actorKeyId: record.id, action: 'auth.sign_in', target: record.id, correlationId }, now);
    log.info({ keyId: record.id }, 'web console signed in with the one-time token');
    return { key, key_id: record.id, expires_at: toIso(expiresAt) };
  },

  'keys.create': (input, { services, principal, correlationId }) => {
    const now = services.now();
    const { record, key } = services.keys.create(
      {
        name: input.name,
        scopes: input.scopes,
        rateLimitPerMinute: input.rate_limit_per_minute ?? null,
        expiresAt: input.expires_in_days === undefined ? null : now + input.expires_in_days * DAY_MS,
      },
      now,
    );
    services.audit.append(
      { actorKeyId: principal?.keyId ?? null, action: 'keys.create', target: record.id, details: { name: record.name, scopes: record.scopes }, correlationId },
      now,
    );
    return { ...keyToWire(record), key };
  },

  'keys.list': (_input, { services }) => ({ keys: services.keys.list().map(keyToWire) }),

  'keys.revoke': (input, { services, principal, correlationId }) => {
    const now = services.now();
    const record = services.keys.revoke(input.id, now);
    if (!record) throw new AppError('not_found', `no API key with id '${input.id}'`, { path: 'id' });
    services.audit.append({ actorKeyId: principal?.keyId ?? null, action: 'keys.revoke', target: record.id, correlationId }, now);
    return keyToWire(record);
  },

  'audit.list': (input, { services }) => ({
    entries: services.audit.list(input.limit).map((e) => ({ ...e, at: toIso(e.at) })),
  }),
};
