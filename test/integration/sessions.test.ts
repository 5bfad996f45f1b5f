import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reading, startStation, type TestStation } from '../helpers/station';

// Browser sessions: the console never holds a reusable API key. Signing in
// (with the one-time link or a key) sets an HttpOnly, SameSite=Strict
// cookie and hands the page a CSRF token; every change made with the cookie
// must carry that token; signing out ends the session on the station.

const T0 = Date.UTC(2024, 4, 1, 12);

function cookieOf(res: { headers: Headers }): string {
  const set = res.headers.get('set-cookie') ?? '';
  const m = /smc_session=([^;]*)/.exec(set);
  if (!m) throw new Error(`no session cookie in ${set}`);
  return `smc_session=${m[1]}`;
}

describe('browser sessions', () => {
  let s: TestStation;
  beforeAll(async () => {
    s = await startStation();
  });
  afterAll(async () => {
    await s.stop();
  });

  const asBrowser = (cookie: string, csrf?: string) => ({ key: null, headers: { cookie, ...(csrf ? { 'x-csrf-token': csrf } : {}) } });

  it('signs in with a key into a session scoped like the key, and never returns a key', async () => {
    const reader = await s.createKey(['read', 'ingest']);
    const r = await s.request('POST', '/api/v1/auth/session', { key: null, body: { key: reader } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ scopes: ['read', 'ingest'] });
    expect(r.body.csrf_token).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(JSON.stringify(r.body)).not.toContain(reader);
    const set = r.headers.get('set-cookie')!;
    expect(set).toMatch(/HttpOnly/i);
    expect(set).toMatch(/SameSite=Strict/i);
    expect(set).toMatch(/Path=\//);
    expect(set).toMatch(/Max-Age=\d+/);
    expect(set).not.toMatch(/Secure/i); // plain HTTP on loopback; the TLS test checks Secure

    const cookie = cookieOf(r);
    const who = await s.request('GET', '/api/v1/auth/whoami', asBrowser(cookie));
    expect(who.status).toBe(200);
    expect(who.body).toMatchObject({ kind: 'session', session_id: r.body.session_id, csrf_token: r.body.csrf_token, scopes: ['read', 'ingest'] });
    // Scopes are the key's: no admin through the session.
    expect((await s.request('GET', '/api/v1/admin/keys', asBrowser(cookie))).status).toBe(403);
  });

  it('refuses a change made with the cookie but without the CSRF token', async () => {
    const key = await s.createKey(['ingest', 'read']);
    const r = await s.request('POST', '/api/v1/auth/session', { key: null, body: { key } });
    const cookie = cookieOf(r);
    const body = reading('csrf-1', T0, 1);
    const without = await s.request('POST', '/api/v1/data/ingest', { ...asBrowser(cookie), body });
    expect(without.status).toBe(403);
    expect(without.body.error.code).toBe('csrf_failed');
    const wrong = await s.request('POST', '/api/v1/data/ingest', { ...asBrowser(cookie, 'x'.repeat(32)), body });
    expect(wrong.status).toBe(403);
    const ok = await s.request('POST', '/api/v1/data/ingest', { ...asBrowser(cookie, r.body.csrf_token), body });
    expect(ok.status).toBe(200);
    // Reads need no token.
    expect((await s.request('GET', '/api/v1/readings?sensor_id=csrf-1', asBrowser(cookie))).body.readings).toHaveLength(1);
  });

  it('signs out: the session is revoked on the station and the cookie cleared', async () => {
    const token = await s.station.signInToken(() => undefined);
    const r = await s.request('POST', '/api/v1/auth/sign-in', { key: null, body: { token } });
    const cookie = cookieOf(r);
    expect((await s.request('GET', '/api/v1/auth/whoami', asBrowser(cookie))).status).toBe(200);
    const out = await s.request('DELETE', '/api/v1/auth/session', asBrowser(cookie, r.body.csrf_token));
    expect(out.status).toBe(200);
    expect(out.body).toEqual({ session_id: r.body.session_id, revoked: true });
    expect(out.headers.get('set-cookie')).toMatch(/smc_session=;.*Max-Age=0/i);
    const after = await s.request('GET', '/api/v1/auth/whoami', asBrowser(cookie));
    expect(after.status).toBe(401);
    expect(after.body.error.details).toMatchObject({ reason: 'session_revoked' });
  });

  it('ends the sessions opened with a key when the key is revoked', async () => {
    const created = await s.request('POST', '/api/v1/admin/keys', { body: { name: 'shift laptop', scopes: ['read'] } });
    const r = await s.request('POST', '/api/v1/auth/session', { key: null, body: { key: created.body.key } });
    const cookie = cookieOf(r);
    expect((await s.request('GET', '/api/v1/sensors', asBrowser(cookie))).status).toBe(200);
    await s.request('DELETE', `/api/v1/admin/keys/${created.body.id}`);
    expect((await s.request('GET', '/api/v1/sensors', asBrowser(cookie))).status).toBe(401);
  });

  it('lets an administrator list and revoke sessions, audited', async () => {
    const key = await s.createKey(['read']);
    const r = await s.request('POST', '/api/v1/auth/session', { key: null, body: { key }, headers: { 'user-agent': 'Field laptop browser' } });
    const listed = await s.request('GET', '/api/v1/admin/sessions');
    const mine = listed.body.sessions.find((x: { id: string }) => x.id === r.body.session_id);
    expect(mine).toMatchObject({ scopes: ['read'], revoked_at: null, user_agent: 'Field laptop browser' });
    const revoked = await s.request('DELETE', `/api/v1/admin/sessions/${r.body.session_id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revoked_at).not.toBeNull();
    expect((await s.request('GET', '/api/v1/sensors', asBrowser(cookieOf(r)))).status).toBe(401);
    expect((await s.request('GET', '/api/v1/admin/sessions')).body.sessions.some((x: { id: string }) => x.id === r.body.session_id)).toBe(false);
    const audit = await s.request('GET', '/api/v1/admin/audit');
    expect(audit.body.entries.some((e: { action: string; target: string }) => e.action === 'sessions.revoke' && e.target === r.body.session_id)).toBe(true);
    expect((await s.request('DELETE', '/api/v1/admin/sessions/no-such-session')).status).toBe(404);
  });

  it('refuses a wrong key at sign-in like a wrong key anywhere', async () => {
    const r = await s.request('POST', '/api/v1/auth/session', { key: null, body: { key: 'smc_wrong' } });
    expect(r.status).toBe(401);
    expect(r.headers.get('set-cookie')).toBeNull();
    const empty = await s.request('POST', '/api/v1/auth/session', { key: null, body: {} });
    expect(empty.status).toBe(422);
    expect(empty.body.error.details[0].path).toBe('key');
  });

  it('expires sessions left idle, and an unused sign-in link after an hour', async () => {
    let now = Date.now();
    const st = await startStation({}, { now: () => now });
    try {
      const key = await st.createKey(['read']);
      const r = await st.request('POST', '/api/v1/auth/session', { key: null, body: { key } });
      const cookie = cookieOf(r);
      now += 25 * 3600_000;
      const after = await st.request('GET', '/api/v1/sensors', { key: null, headers: { cookie } });
      expect(after.status).toBe(401);
      expect(after.body.error.details).toMatchObject({ reason: 'session_expired' });

      const token = await st.station.signInToken(() => undefined);
      now += 61 * 60_000;
      expect((await st.request('POST', '/api/v1/auth/sign-in', { key: null, body: { token } })).status).toBe(401);
    } finally {
      await st.stop();
    }
  });
});
