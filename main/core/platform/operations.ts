import type { Readable } from 'node:stream';
import type { DomainContract, OperationName, OutputOf, ParsedInputOf, Scope } from '../../../contract';
import type { Logger } from './log';
import type { Tx } from './write-queue';

/** Who is calling: a machine's API key, a browser session, the desktop user, or the station itself. */
export interface Principal {
  kind: 'key' | 'session' | 'desktop' | 'system';
  /** Key id, session id, or a fixed name for the desktop, the CLI and the station. */
  id: string;
  /** Shown as the actor in the audit log and alarm journals. */
  name: string;
  scopes: Scope[];
  keyId: string | null;
  sessionId: string | null;
  rateLimitPerMinute: number | null;
  /** A browser session's CSRF token: every change it makes must carry it. */
  csrfToken?: string;
}

/** The desktop user of the Electron shell: the station's owner. */
export const DESKTOP_PRINCIPAL: Principal = { kind: 'desktop', id: 'desktop', name: 'desktop', scopes: ['admin'], keyId: null, sessionId: null, rateLimitPerMinute: null };
/** Whoever runs `smc` commands on the data directory (they can read the database anyway). */
export const CLI_PRINCIPAL: Principal = { kind: 'system', id: 'cli', name: 'cli', scopes: ['admin'], keyId: null, sessionId: null, rateLimitPerMinute: null };

/** What a handler knows about the call besides its input. Domains hold their own dependencies. */
export interface HandlerContext {
  principal: Principal | null;
  correlationId: string;
  log: Logger;
  /** Request body stream, for operations that take one (bulk import). */
  body?: Readable;
  /** Format of `body`, derived from its content type by the transport. */
  bodyFormat?: 'csv' | 'ndjson';
  /**
   * Set by transports that replay responses (Idempotency-Key). A handler that
   * writes calls it inside its write job, so the stored response and the
   * state it describes commit together.
   */
  recordResponse?: (tx: Tx, output: unknown) => void;
  /** Aborted when the caller goes away (a closed event stream). */
  signal?: AbortSignal;
  /** Address of the HTTP caller (failed sign-ins are counted per address). */
  ip?: string;
  userAgent?: string;
}

export type Handler<N extends OperationName> = (input: ParsedInputOf<N>, ctx: HandlerContext) => OutputOf<N> | Promise<OutputOf<N>>;

/** One handler per operation of a domain's contract; the type fails to check if one is missing. */
export type HandlersOf<C extends DomainContract> = {
  [O in C['operations'][number] as O['name']]: O['name'] extends OperationName ? Handler<O['name']> : never;
};

export type Handlers = { [N in OperationName]: Handler<N> };


/** Audit fields of whoever acts: the principal, or the station itself. */
export function actorOf(p: Principal | null): { actorId: string | null; actor: string } {
  return p ? { actorId: p.id, actor: p.name } : { actorId: null, actor: 'system' };
}

/**
 * Key of the secret session token on an operation's output (sign-in): the
 * HTTP transport moves it into an HttpOnly cookie. A symbol, so it can
 * never be serialised into a response body.
 */
export const SESSION_TOKEN: unique symbol = Symbol('session token');
