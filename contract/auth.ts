import { z } from 'zod';
import { defineContract, defineOperation } from './operation';
import { IsoTime, Scope } from './common';

// Who is calling. Machines use API keys (X-API-Key or Authorization:
// Bearer). Browsers hold a server-side session instead: an HttpOnly cookie
// plus a CSRF token the page sends with every change. Keys are created,
// listed and revoked by administrators; so are sessions.

const Secret = (what: string) => z.string({ error: `${what} must be a string` }).min(1, { message: `${what} is required` }).max(300, { message: `${what} is too long` });

export const PRINCIPAL_KINDS = ['key', 'session', 'desktop', 'system'] as const;

export const Identity = z.object({
  kind: z.enum(PRINCIPAL_KINDS),
  /** The key that authenticated the call or opened the session; null for the one-time sign-in link and the desktop. */
  key_id: z.string().nullable(),
  session_id: z.string().nullable(),
  name: z.string(),
  scopes: z.array(Scope),
  /** Host and port of the station's HTTP API. */
  station: z.string(),
  /** Present for a browser session: send it as X-CSRF-Token with every change. */
  csrf_token: z.string().nullable(),
  expires_at: IsoTime.nullable(),
});

export const whoami = defineOperation({
  name: 'auth.whoami',
  summary: 'The caller: key or session, name and scopes (and, for a browser session, the CSRF token to send with changes).',
  tag: 'auth',
  access: 'authenticated',
  input: z.object({}).strict(),
  output: Identity,
  http: { method: 'GET', path: '/api/v1/auth/whoami' },
});

export const SessionOpened = z.object({
  session_id: z.string(),
  name: z.string(),
  scopes: z.array(Scope),
  csrf_token: z.string(),
  expires_at: IsoTime,
});

export const signIn = defineOperation({
  name: 'auth.signIn',
  summary: 'Exchange a one-time sign-in token (the link the station prints) for an administrator browser session (HttpOnly cookie).',
  tag: 'auth',
  access: 'public',
  input: z.object({ token: Secret('token') }).strict(),
  output: SessionOpened,
  http: { method: 'POST', path: '/api/v1/auth/sign-in', session: 'create' },
});

export const signInWithKey = defineOperation({
  name: 'auth.session.create',
  summary: 'Sign a browser in with an API key: a session (HttpOnly cookie) with the key\'s scopes; the key itself is not kept by the browser.',
  tag: 'auth',
  access: 'public',
  input: z.object({ key: Secret('key') }).strict(),
  output: SessionOpened,
  http: { method: 'POST', path: '/api/v1/auth/session', session: 'create' },
});

export const signOut = defineOperation({
  name: 'auth.session.delete',
  summary: 'Sign out: the calling browser session is revoked at once.',
  tag: 'auth',
  access: 'authenticated',
  input: z.object({}).strict(),
  output: z.object({ session_id: z.string().nullable(), revoked: z.boolean() }),
  http: { method: 'DELETE', path: '/api/v1/auth/session', session: 'destroy' },
});

export const createSignInLink = defineOperation({
  name: 'auth.signInLink.create',
  summary: 'A new one-time sign-in token for the web console (also `smc sign-in-link`).',
  tag: 'auth',
  access: 'admin',
  input: z.object({}).strict(),
  output: z.object({ token: z.string(), path: z.string(), expires_at: IsoTime }),
  http: { method: 'POST', path: '/api/v1/admin/sign-in-links', status: 201 },
});

export const SessionWire = z.object({
  id: z.string(),
  name: z.string(),
  key_id: z.string().nullable(),
  scopes: z.array(Scope),
  created_at: IsoTime,
  expires_at: IsoTime,
  last_seen_at: IsoTime.nullable(),
  revoked_at: IsoTime.nullable(),
  user_agent: z.string().nullable(),
});

export const listSessions = defineOperation({
  name: 'sessions.list',
  summary: 'Browser sessions that are still open (add all=true for ended ones too).',
  tag: 'admin',
  access: 'admin',
  input: z.object({ all: z.union([z.boolean(), z.enum(['true', 'false'])]).transform((v) => v === true || v === 'true').default(false) }).strict(),
  output: z.object({ sessions: z.array(SessionWire) }),
  http: { method: 'GET', path: '/api/v1/admin/sessions' },
});

export const revokeSession = defineOperation({
  name: 'sessions.revoke',
  summary: 'End a browser session at once.',
  tag: 'admin',
  access: 'admin',
  input: z.object({ id: z.string().min(1).max(100) }).strict(),
  output: SessionWire,
  http: { method: 'DELETE', path: '/api/v1/admin/sessions/{id}' },
});

export const ApiKeyWire = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(Scope),
  rate_limit_per_minute: z.number().nullable(),
  created_at: IsoTime,
  expires_at: IsoTime.nullable(),
  last_used_at: IsoTime.nullable(),
  revoked_at: IsoTime.nullable(),
});

export const createKey = defineOperation({
  name: 'keys.create',
  summary: 'Create an API key. The secret is returned once and stored only as a hash.',
  tag: 'admin',
  access: 'admin',
  input: z
    .object({
      name: z.string({ error: 'name must be a string' }).trim().min(1, { message: 'name must not be empty' }).max(100, { message: 'name must be at most 100 characters' }),
      scopes: z
        .array(Scope, { error: 'scopes must be an array of ingest, read, operate, admin' })
        .min(1, { message: 'scopes must hold at least one scope' })
        .transform((s) => [...new Set(s)]),
      rate_limit_per_minute: z.number().int().min(1).max(10_000_000).nullable().optional(),
      expires_in_days: z.number().int().min(1).max(3650).optional(),
    })
    .strict(),
  output: ApiKeyWire.extend({ key: z.string() }),
  http: { method: 'POST', path: '/api/v1/admin/keys', status: 201 },
});

export const listKeys = defineOperation({
  name: 'keys.list',
  summary: 'Every API key (without secrets).',
  tag: 'admin',
  access: 'admin',
  input: z.object({}).strict(),
  output: z.object({ keys: z.array(ApiKeyWire) }),
  http: { method: 'GET', path: '/api/v1/admin/keys' },
});

export const revokeKey = defineOperation({
  name: 'keys.revoke',
  summary: 'Revoke an API key; it and every session opened with it stop working at once.',
  tag: 'admin',
  access: 'admin',
  input: z.object({ id: z.string().min(1).max(100) }).strict(),
  output: ApiKeyWire,
  http: { method: 'DELETE', path: '/api/v1/admin/keys/{id}' },
});

export const authContract = defineContract({
  domain: 'auth',
  operations: [whoami, signIn, signInWithKey, signOut, createSignInLink, listSessions, revokeSession, createKey, listKeys, revokeKey],
  events: [],
});
