import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../platform/errors';
import type { Principal } from '../platform/operations';
import type { Authenticator } from '../domains/auth';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** Name of the browser session cookie (HttpOnly, SameSite=Strict). */
export const SESSION_COOKIE = 'smc_session';
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

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

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Authenticates requests to routes that need it: an API key (machines) or
 * the session cookie (browsers). A change made through a session must
 * carry the session's CSRF token in X-CSRF-Token: a page on another origin
 * can make the browser send the cookie, but cannot read the token.
 */
export function createRequestAuthenticator(authenticator: Authenticator) {
  const refused = (err: unknown, reply: FastifyReply, apiKey: string | undefined): Error => {
    if (err instanceof AppError && err.code === 'unauthorized') {
      void reply.header('www-authenticate', apiKey === undefined ? 'Bearer realm="smc"' : 'Bearer realm="smc", error="invalid_token"');
    }
    return err as Error;
  };
  const admitted = (req: FastifyRequest, p: Principal): void => {
    req.principal = p;
    if (p.kind === 'session' && !SAFE_METHODS.has(req.method)) {
      const sent = req.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !p.csrfToken || !sameToken(sent, p.csrfToken)) {
        throw new AppError('csrf_failed', 'this change needs the X-CSRF-Token header of your session; reload the console and try again', { header: 'X-CSRF-Token' });
      }
    }
  };
  /** Calls `done` once the request is admitted or refused: at once for a known key or a session, else after the lookup. */
  return function authenticate(req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void): void {
    const apiKey = presentedKey(req);
    const cookie = apiKey === undefined ? req.cookies?.[SESSION_COOKIE] : undefined;
    let result: Principal | Promise<Principal>;
    try {
      result = authenticator.authenticate({ apiKey, sessionToken: cookie || undefined, ip: req.ip });
      if (!(result instanceof Promise)) admitted(req, result);
    } catch (err) {
      done(refused(err, reply, apiKey));
      return;
    }
    if (!(result instanceof Promise)) {
      done();
      return;
    }
    result.then(
      (p) => {
        try {
          admitted(req, p);
          done();
        } catch (err) {
          done(err as Error);
        }
      },
      (err: unknown) => done(refused(err, reply, apiKey)),
    );
  };
}
