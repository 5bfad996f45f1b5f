import type { z } from 'zod';

export const SCOPES = ['ingest', 'read', 'operate', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/**
 * Who may call an operation: `public` needs no credentials, `authenticated`
 * any valid key, otherwise a key holding that scope (`admin` holds them all).
 */
export type Access = 'public' | 'authenticated' | Scope;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpBinding {
  method: HttpMethod;
  /** OpenAPI-style path, parameters in braces: `/api/v1/sensors/{id}/series`. */
  path: string;
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
  /** The body is passed to the handler as a stream; these content types are accepted. */
  streamBody?: readonly string[];
  /** The handler returns a stream of this content type instead of JSON. */
  produces?: string;
  /** Honour the `Idempotency-Key` header: replay the first 2xx response for the same key and body. */
  idempotent?: boolean;
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

/** A streamed response (CSV export and the like). */
export interface StreamResult {
  contentType: string;
  filename: string;
  body: AsyncIterable<string | Uint8Array>;
}
