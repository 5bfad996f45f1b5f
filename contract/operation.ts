import type { z } from 'zod';

export const SCOPES = ['ingest', 'read', 'operate', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/**
 * Who may call an operation: `public` needs no credentials, `authenticated`
 * any valid key or session, otherwise a key holding that scope (`admin`
 * holds them all).
 */
export type Access = 'public' | 'authenticated' | Scope;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpBinding {
  method: HttpMethod;
  /** OpenAPI-style path, parameters in braces: `/api/v1/sensors/{id}/series`. Kebab-case, nouns. */
  path: string;
  /**
   * Further paths answering the same operation: the replaced system's paths
   * where they differ from the canonical one. Documented as deprecated.
   */
  aliases?: readonly string[];
  /** Success status (default 200). */
  status?: number;
  /**
   * Maps the parsed JSON body to the part of the input it supplies, when the
   * body is not simply the input object (e.g. several accepted body shapes).
   */
  adaptBody?: (body: unknown) => unknown;
  /** Documents the body for OpenAPI when `adaptBody` reshapes it. */
  bodyDoc?: z.ZodType;
  /** Input fields of a body-carrying route that are sent in the query string. */
  query?: readonly string[];
  /** Request headers that supply an input field when the field is absent (header name, lower case → field). */
  headers?: Readonly<Record<string, string>>;
  /** The body is passed to the handler as a stream; these content types are accepted. */
  streamBody?: readonly string[];
  /** The handler returns a stream of this content type instead of JSON. */
  produces?: string;
  /** Honour the `Idempotency-Key` header: replay the first 2xx response for the same key and body. */
  idempotent?: boolean;
  /** The operation starts (`create`) or ends (`destroy`) a browser session: the transport sets or clears its cookie. */
  session?: 'create' | 'destroy';
}

export interface Operation<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType, N extends string = string> {
  name: N;
  summary: string;
  tag: string;
  access: Access;
  input: I;
  output: O;
  http?: HttpBinding;
}

export function defineOperation<const N extends string, I extends z.ZodType, O extends z.ZodType>(
  op: Operation<I, O, N>,
): Operation<I, O, N> {
  return op;
}

export function hasAccess(granted: readonly Scope[], required: Access): boolean {
  if (required === 'public' || required === 'authenticated') return true;
  return granted.includes('admin') || granted.includes(required);
}

/** A streamed response (CSV export, server-sent events and the like). */
export interface StreamResult {
  contentType: string;
  /** Offered file name (`Content-Disposition: attachment`); absent for a live stream. */
  filename?: string;
  /** Extra response headers (e.g. X-Row-Count). */
  headers?: Record<string, string>;
  body: AsyncIterable<string | Uint8Array>;
}

/**
 * Something that happened, announced on the station's event backbone. The
 * payload schema is the contract consumers (agents, the console, sync) rely
 * on; an event is validated against it when it is written.
 */
export interface EventDef<T extends string = string, P extends z.ZodType = z.ZodType> {
  type: T;
  summary: string;
  payload: P;
}

export function defineEvent<const T extends string, P extends z.ZodType>(e: EventDef<T, P>): EventDef<T, P> {
  return e;
}

/** One domain's part of the contract: its operations and the events it emits. */
export interface DomainContract<O extends readonly Operation[] = readonly Operation[], E extends readonly EventDef[] = readonly EventDef[]> {
  domain: string;
  operations: O;
  events: E;
}

export function defineContract<const O extends readonly Operation[], const E extends readonly EventDef[]>(c: DomainContract<O, E>): DomainContract<O, E> {
  return c;
}
