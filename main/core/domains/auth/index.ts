import { authContract } from '../../../../contract/auth';
import { toIso } from '../../../../contract/timestamp';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db';
import { AppError } from '../../platform/errors';
import type { Logger } from '../../platform/log';
import { SESSION_TOKEN, type HandlerContext, type Principal } from '../../platform/operations';
import type { WriteQueue } from '../../platform/write-queue';
import type { AuditLog } from '../audit';
import { defineDomain } from '../domain';
import { Authenticator } from './authenticator';
import { ApiKeysRepo, GENERATED_PREFIX } from './keys-repo';
import { sessions as sessionsMigration } from './migrations/0006-sessions';
import { SessionsRepo } from './sessions-repo';
import { SignInTokens } from './sign-in-tokens';
import { keyToWire, sessionOpened, sessionToWire } from './wire';

export { Authenticator, type Credentials } from './authenticator';
export const authMigrations = [sessionsMigration];

const DAY_MS = 24 * 3600_000;

export interface AuthDeps {
  db: Db;
  writer: WriteQueue;
  clock: Clock;
  log: Logger;
  audit: AuditLog;
  bootstrapKey?: string | undefined;
  /** host:port the HTTP API listens on. */
  station: () => string;
}

function withToken<T extends object>(wire: T, token: string): T {
  return Object.assign(wire, { [SESSION_TOKEN]: token });
}

function requirePrincipal(ctx: HandlerContext): Principal {
  if (!ctx.principal) throw new AppError('unauthorized', 'an API key or a session is required', { reason: 'missing' });
  return ctx.principal;
}

export function createAuthDomain(deps: AuthDeps) {
  const { db, writer, clock, log, audit } = deps;
  const keys = new ApiKeysRepo(db);
  const sessions = new SessionsRepo(db);
  const tokens = new SignInTokens(db);
  const authenticator = new Authenticator(keys, sessions, writer, clock, log.child({ sub: 'auth' }));
  /** Told about each new sign-in link (the headless shell prints it). */
  let onSignInToken: ((token: string) => void) | undefined;

  async function mintToken() {
    return writer.write((tx) => tokens.mint(tx));
  }

  /** Creates the configured bootstrap admin key once (a revoked one is not resurrected) and upgrades an old SHA-256 hash of it to scrypt. */
  async function setupBootstrapKey(): Promise<void> {
    const secret = deps.bootstrapKey;
    if (!secret) return;
    const existing = await keys.existsWithSecret(secret);
    if (!existing) {
      const { row } = await keys.prepare({ name: 'bootstrap', scopes: ['admin'], secret });
      await writer.write((tx) => {
        const record = keys.insert(tx, row);
        audit.record(tx, null, 'keys.bootstrap', record.id);
      });
      log.info({ keyId: row.id }, 'bootstrap admin key created');
    } else if (existing.kdf === 'sha256' && !secret.startsWith(GENERATED_PREFIX)) {
      const h = await keys.scryptHash(secret);
      await writer.write((tx) => keys.storeScrypt(tx, existing.id, h, secret.slice(0, 4)));
      log.info({ keyId: existing.id }, 'bootstrap key re-hashed with scrypt');
    }
    // Verified once now, so later requests with it never wait for scrypt.
    await keys.check(secret, clock());
  }

  const module = defineDomain(authContract, {
    async start() {
      await setupBootstrapKey();
      await writer.write((tx) => sessions.purge(tx));
    },
    handlers: {
      'auth.whoami': (_input, ctx) => {
        const p = requirePrincipal(ctx);
        const session = p.sessionId ? sessions.get(p.sessionId) : undefined;
        const keyExpiry = p.keyId ? (keys.get(p.keyId)?.expires_at ?? null) : null;
        return {
          kind: p.kind,
          key_id: p.keyId,
          session_id: p.sessionId,
          name: p.name,
          scopes: p.scopes,
          station: deps.station(),
          csrf_token: session?.csrf_token ?? null,
          expires_at: session ? toIso(session.expires_at) : keyExpiry === null ? null : toIso(keyExpiry),
        };
      },

      'auth.signIn': async (input, ctx) => {
        const opened = await writer.write((tx) => {
          if (!tokens.consume(tx, input.token)) return null;
          const { session, token } = sessions.create(tx, { name: `web sign-in ${toIso(tx.now).slice(0, 16).replace('T', ' ')}`, keyId: null, scopes: ['admin'], keyExpiresAt: null, userAgent: ctx.userAgent ?? null });
          audit.record(tx, { kind: 'session', id: session.id, name: session.name, scopes: session.scopes, keyId: null, sessionId: session.id, rateLimitPerMinute: null }, 'auth.sign_in', session.id, { via: 'sign-in link' });
          return { session, token };
        }, { correlationId: ctx.correlationId });
        if (!opened) throw authenticator.failedToken(ctx.ip ?? 'local');
        log.info({ sessionId: opened.session.id }, 'web console signed in with a one-time link');
        if (onSignInToken) {
          const next = await mintToken();
          onSignInToken(next.token);
        }
        return withToken(sessionOpened(opened.session), opened.token);
      },

      'auth.session.create': async (input, ctx) => {
        const key = await authenticator.checkKey(input.key, ctx.ip ?? 'local');
        const opened = await writer.write((tx) => {
          const { session, token } = sessions.create(tx, { name: key.name, keyId: key.id, scopes: key.scopes, keyExpiresAt: key.expires_at, userAgent: ctx.userAgent ?? null });
          audit.record(tx, { kind: 'key', id: key.id, name: key.name, scopes: key.scopes, keyId: key.id, sessionId: null, rateLimitPerMinute: null }, 'auth.sign_in', session.id, { via: 'api key' });
          return { session, token };
        }, { correlationId: ctx.correlationId });
        return withToken(sessionOpened(opened.session), opened.token);
      },

      'auth.session.delete': async (_input, ctx) => {
        const p = requirePrincipal(ctx);
        if (!p.sessionId) return { session_id: null, revoked: false };
        await writer.write((tx) => {
          sessions.revoke(tx, p.sessionId!);
          audit.record(tx, p, 'auth.sign_out', p.sessionId);
        }, { correlationId: ctx.correlationId });
        return { session_id: p.sessionId, revoked: true };
      },

      'auth.signInLink.create': async (_input, ctx) => {
        const minted = await writer.write((tx) => {
          const m = tokens.mint(tx);
          audit.record(tx, ctx.principal, 'auth.sign_in_link');
          return m;
        }, { correlationId: ctx.correlationId });
        return { token: minted.token, path: `/?token=${minted.token}`, expires_at: toIso(minted.expiresAt) };
      },

      'sessions.list': (input) => ({ sessions: sessions.list(input.all, clock()).map(sessionToWire) }),

      'sessions.revoke': async (input, ctx) => {
        if (!sessions.get(input.id)) throw new AppError('not_found', `no session with id '${input.id}'`, { id: input.id });
        const row = await writer.write((tx) => {
          const s = sessions.revoke(tx, input.id)!;
          audit.record(tx, ctx.principal, 'sessions.revoke', input.id);
          return s;
        }, { correlationId: ctx.correlationId });
        return sessionToWire(row);
      },

      'keys.create': async (input, ctx) => {
        const now = clock();
        const { row, key } = await keys.prepare({
          name: input.name,
          scopes: input.scopes,
          rateLimitPerMinute: input.rate_limit_per_minute ?? null,
          expiresAt: input.expires_in_days === undefined ? null : now + input.expires_in_days * DAY_MS,
        });
        const record = await writer.write((tx) => {
          const r = keys.insert(tx, row);
          audit.record(tx, ctx.principal, 'keys.create', r.id, { name: r.name, scopes: r.scopes });
          return r;
        }, { correlationId: ctx.correlationId });
        return { ...keyToWire(record), key };
      },

      'keys.list': () => ({ keys: keys.list().map(keyToWire) }),

      'keys.revoke': async (input, ctx) => {
        if (!keys.get(input.id)) throw new AppError('not_found', `no API key with id '${input.id}'`, { id: input.id });
        const record = await writer.write((tx) => {
          const r = keys.revoke(tx, input.id)!;
          const ended = sessions.revokeForKey(tx, input.id);
          audit.record(tx, ctx.principal, 'keys.revoke', r.id, { sessions_ended: ended });
          return r;
        }, { correlationId: ctx.correlationId });
        return keyToWire(record);
      },
    },
  });

  return {
    module,
    authenticator,
    /** Mints a sign-in token; `onNext` is told about the one minted after each use. */
    async signInLinks(onNext: (token: string) => void): Promise<string> {
      onSignInToken = onNext;
      return (await mintToken()).token;
    },
  };
}
