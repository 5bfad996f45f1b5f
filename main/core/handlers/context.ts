import type { Readable } from 'node:stream';
import type { Logger } from '../log';
import type { Services } from '../services';
import type { OperationName, OutputOf, ParsedInputOf, Scope } from '../../../contract';

export interface Principal {
  keyId: string;
  name: string;
  scopes: Scope[];
  rateLimitPerMinute: number | null;
}

/** The desktop user of the Electron shell: the station's owner. */
export const LOCAL_PRINCIPAL: Principal = { keyId: 'local-desktop', name: 'desktop', scopes: ['admin'], rateLimitPerMinute: null };

export interface HandlerContext {
  services: Services;
  principal: Principal | null;
  correlationId: string;
  log: Logger;
  /** Request body stream, for operations that take one (bulk import). */
  body?: Readable;
  /** Format of `body`, derived from its content type by the transport. */
  bodyFormat?: 'csv' | 'ndjson';
  /**
   * Set by transports that replay responses (Idempotency-Key). A handler that
   * writes calls it inside its write transaction, so the stored response and
   * the state it describes commit together.
   */
  recordResponse?: (output: unknown) => void;
}

export type Handler<N extends OperationName> = (input: ParsedInputOf<N>, ctx: HandlerContext) => OutputOf<N> | Promise<OutputOf<N>>;

export type HandlerMap<N extends OperationName> = { [K in N]: Handler<K> };

export type Handlers = HandlerMap<OperationName>;
