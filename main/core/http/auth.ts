import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors';
import type { Principal } from '../handlers/context';
import type { Services } from '../services';
import { FailedAuthThrottle } from '../auth/failed-auth-throttle';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** The key a request carries, from X-API-Key or Authorization: Bearer. */
export function presentedKey(req: FastifyRequest): string | undefined {
  const header = req.headers['x-api-key'];
  if (typeof header === 'string' && header.length > 0) return header.trim();
  const auth = req.headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (m) return m[1];
  }
  return undefined;
}

/**
 * Authenticates requests to routes that need it and remembers the principal
 * for the handler and the per-key rate limit. Failed attempts are throttled
 * per address so keys cannot be guessed at speed.
 */
export function createAuthenticator(services: Services) {
  const throttle = new FailedAuthThrottle();
  return async function authenticate(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const now = services.now();
    const wait = throttle.retryAfter(req.ip, now);
    if (wait > 0) {
      throw new AppError('rate_limited', `too many failed authentications from ${req.ip}; retry in ${wait} s`, undefined, { 'retry-after': String(wait) });
    }
    const key = presentedKey(req);
    if (key === undefined) {
      throttle.fail(req.ip, now);
      void reply.header('www-authenticate', 'Bearer realm="smc"');
      throw new AppError('unauthorized', 'an API key is required: send X-API-Key: <key> or Authorization: Bearer <key>');
    }
    const result = services.keys.authenticate(key, now);
    if (!result.ok) {
      throttle.fail(req.ip, now);
      void reply.header('www-authenticate', 'Bearer realm="smc", error="invalid_token"');
      throw new AppError('unauthorized', `the API key is ${result.reason === 'unknown' ? 'not valid' : result.reason}`);
    }
    const r = result.record;
    req.principal = { keyId: r.id, name: r.name, scopes: r.scopes, rateLimitPerMinute: r.rate_limit_per_minute };
  };
}
