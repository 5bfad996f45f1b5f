import type { Clock } from '../../platform/clock';
import { AppError } from '../../platform/errors';
import type { Logger } from '../../platform/log';
import type { Principal } from '../../platform/operations';
import type { WriteQueue } from '../../platform/write-queue';
import { FailedAuthThrottle } from './failed-auth-throttle';
import type { ApiKeyRecord, ApiKeysRepo } from './keys-repo';
import type { SessionRecord, SessionsRepo } from './sessions-repo';

export interface Credentials {
  apiKey?: string | undefined;
  sessionToken?: string | undefined;
  ip: string;
}

/** Recording every use would turn each read into a write; once a minute tells which keys and sessions are alive. */
const TOUCH_EVERY_MS = 60_000;

export function keyPrincipal(k: ApiKeyRecord): Principal {
  return { kind: 'key', id: k.id, name: k.name, scopes: k.scopes, keyId: k.id, sessionId: null, rateLimitPerMinute: k.rate_limit_per_minute };
}

export function sessionPrincipal(s: SessionRecord): Principal {
  return { kind: 'session', id: s.id, name: s.name, scopes: s.scopes, keyId: s.key_id, sessionId: s.id, rateLimitPerMinute: null, csrfToken: s.csrf_token };
}

/** Turns what a request presents (an API key, a session cookie) into a principal, or a typed 401/429. */
export class Authenticator {
  readonly throttle = new FailedAuthThrottle();
  private readonly touched = new Map<string, number>();
  /** One principal per (frozen) key record: requests share it rather than each building its own. */
  private readonly principals = new WeakMap<ApiKeyRecord, Principal>();

  constructor(
    private readonly keys: ApiKeysRepo,
    private readonly sessions: SessionsRepo,
    private readonly writer: WriteQueue,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /**
   * At once (no promise) for a key checked before and for sessions — the
   * path of nearly every request — else once the key has been looked up.
   * Throws, or rejects, with the typed refusal.
   */
  authenticate(c: Credentials): Principal | Promise<Principal> {
    const now = this.clock();
    if (c.apiKey !== undefined) {
      const known = this.keys.checkKnown(c.apiKey, now);
      if (known?.ok) return this.keyUsed(known.record, now);
      // A refusal takes the slow path too, so that it counts against the caller's address.
      return this.checkKey(c.apiKey, c.ip).then((key) => this.keyUsed(key, now));
    }
    if (c.sessionToken !== undefined) {
      const r = this.sessions.check(c.sessionToken, now);
      if (!r.ok) {
        throw new AppError('unauthorized', r.reason === 'unknown' ? 'the session is not valid; sign in again' : `the session has ${r.reason === 'revoked' ? 'been ended' : 'expired'}; sign in again`, {
          reason: `session_${r.reason}`,
        });
      }
      this.touch(r.session.id, now, (tx) => this.sessions.touch(tx, r.session.id));
      return sessionPrincipal(r.session);
    }
    throw new AppError('unauthorized', 'an API key is required: send X-API-Key: <key> or Authorization: Bearer <key>, or sign in', { reason: 'missing' });
  }

  /** A key presented by a caller; wrong ones count against the caller's address. */
  async checkKey(secret: string, ip: string): Promise<ApiKeyRecord> {
    const now = this.clock();
    const wait = this.throttle.retryAfter(ip, now);
    const r = await this.keys.check(secret, now, { slow: wait === 0 });
    if (r.ok) return r.record;
    if (r.reason === 'busy') throw new AppError('unavailable', 'the station is checking other keys; retry in a second', { reason: 'busy' }, { 'retry-after': '1' });
    this.throttle.fail(ip, now);
    if (wait > 0) {
      throw new AppError('rate_limited', `too many failed authentications from ${ip}; retry in ${wait} s`, { reason: 'throttled', retry_after_s: wait }, { 'retry-after': String(wait) });
    }
    throw new AppError('unauthorized', `the API key is ${r.reason === 'unknown' ? 'not valid' : r.reason}`, { reason: `key_${r.reason}` });
  }

  private keyUsed(key: ApiKeyRecord, now: number): Principal {
    this.touch(key.id, now, (tx) => this.keys.touch(tx, key.id));
    let p = this.principals.get(key);
    if (!p) this.principals.set(key, (p = Object.freeze(keyPrincipal(key)) as Principal));
    return p;
  }

  /** A wrong sign-in token counts like a wrong key. */
  failedToken(ip: string): AppError {
    const now = this.clock();
    const wait = this.throttle.retryAfter(ip, now);
    this.throttle.fail(ip, now);
    if (wait > 0) return new AppError('rate_limited', `too many failed sign-ins from ${ip}; retry in ${wait} s`, { reason: 'throttled', retry_after_s: wait }, { 'retry-after': String(wait) });
    return new AppError('unauthorized', 'this sign-in link was already used or has expired; run `smc sign-in-link` for a new one, or sign in with an API key', { reason: 'token_invalid' });
  }

  private touch(id: string, now: number, write: Parameters<WriteQueue['write']>[0]): void {
    const last = this.touched.get(id);
    if (last !== undefined && now - last < TOUCH_EVERY_MS) return;
    this.touched.set(id, now);
    if (this.touched.size > 10_000) this.touched.clear();
    this.writer.write(write).catch((err: unknown) => this.log.warn({ err }, 'could not record the last use of a key or session'));
  }
}
