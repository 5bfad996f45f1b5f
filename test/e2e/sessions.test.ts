import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { builtRendererDir, launchChromium, openPage, screenshot } from '../helpers/browser';
import { startStation, type TestStation } from '../helpers/station';

// Browser sessions in real Chromium: the console signs in with the one-time
// link or a key into a session held by the station (an HttpOnly cookie the
// page cannot read, and a CSRF token kept in memory), survives a reload,
// makes changes with the token, and signing out ends the session on the
// station — the old cookie stops working at once.

const ZONE = 'America/Sao_Paulo';

describe('browser sessions (Chromium)', () => {
  let s: TestStation;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  async function newPage(): Promise<{ page: Page; context: BrowserContext }> {
    const opened = await openPage(browser, pageErrors, { timezoneId: ZONE });
    contexts.push(opened.context);
    return opened;
  }

  /** What scripts on the page can read: storage and the cookies document.cookie shows. */
  const readable = (page: Page) =>
    page.evaluate(() => {
      const g = globalThis as any;
      const dump = (st: any) => Object.fromEntries(Array.from({ length: st.length }, (_, i) => [st.key(i), st.getItem(st.key(i))]));
      return { local: dump(g.localStorage), session: dump(g.sessionStorage), cookie: g.document.cookie as string };
    });

  async function sessionCookie(context: BrowserContext): Promise<string> {
    const cookie = (await context.cookies()).find((c) => c.name === 'smc_session');
    expect(cookie, 'the station set the session cookie').toBeDefined();
    expect(cookie!.httpOnly).toBe(true);
    expect(cookie!.sameSite).toBe('Strict');
    return `smc_session=${cookie!.value}`;
  }

  const whoamiWith = (cookie: string) => fetch(`${s.url}/api/v1/auth/whoami`, { headers: { cookie } });

  beforeAll(async () => {
    const rendererDir = builtRendererDir();
    browser = await launchChromium();
    s = await startStation({}, { rendererDir });
  });

  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await s?.stop();
  });

  it('signs in with the link, stays signed in after a reload with nothing readable by scripts, changes with the token, and signing out ends the session', async () => {
    const { page, context } = await newPage();
    const token = await s.station.signInToken(() => undefined);
    await page.goto(`${s.url}/?token=${token}`);
    await expect.poll(() => page.getByTestId('key-name').textContent()).toContain('web sign-in');
    const cookie = await sessionCookie(context);
    expect((await whoamiWith(cookie)).status).toBe(200);

    await page.reload();
    await expect.poll(() => page.getByRole('tab').allTextContents()).toEqual(['Data ExplorerAlt+1', 'IngestAlt+2', 'ModelsAlt+3', 'PredictionAlt+4']);
    const seen = await readable(page);
    // No key, no session token, no CSRF token where a script could take it.
    expect(seen.cookie).toBe('');
    expect(seen.session).toEqual({});
    expect(Object.keys(seen.local).filter((k) => k !== 'smc.language')).toEqual([]);
    expect(JSON.stringify(seen)).not.toContain(token);
    expect(JSON.stringify(seen)).not.toContain(cookie.split('=')[1]);

    // A change through the session: the console sends the CSRF token it holds in memory.
    await page.keyboard.press('Alt+2');
    const form = page.getByTestId('manual-form');
    await form.getByLabel('Sensor ID').fill('session-1');
    await form.getByLabel('Value').fill('7.5');
    await form.getByRole('button', { name: 'Store reading' }).click();
    await expect.poll(() => page.getByTestId('manual-outcome').getAttribute('data-outcome')).toBe('stored');
    expect((await s.request('GET', '/api/v1/readings?sensor_id=session-1')).body.readings.map((r: { value: number }) => r.value)).toEqual([7.5]);
    // The same change without the token, with the same cookie, is refused: the token is what proves the page.
    const forged = await page.request.post(`${s.url}/api/v1/data/ingest`, { data: { sensor_id: 'session-1', timestamp: Date.now(), value: 8 } });
    expect(forged.status()).toBe(403);
    expect((await forged.json()).error.code).toBe('csrf_failed');

    await page.getByTestId('sign-out').click();
    await expect.poll(() => page.getByTestId('signin-problem').textContent()).toBe('You are signed out. The session has ended on the station.');
    // The station ended the session: the old cookie is refused everywhere, not just forgotten by this page.
    const after = await whoamiWith(cookie);
    expect(after.status).toBe(401);
    expect(((await after.json()) as any).error.details.reason).toBe('session_revoked');
    expect((await fetch(`${s.url}/api/v1/sensors`, { headers: { cookie } })).status).toBe(401);
    await page.reload();
    await expect.poll(() => page.getByLabel('API key').count()).toBe(1);
    await screenshot(page, '20-signed-out');
  });

  it('signs in with a key without keeping it, and removes a key an older console left in localStorage', async () => {
    const { page, context } = await newPage();
    const key = await s.createKey(['read', 'ingest']);
    await context.addInitScript(() => {
      const g = globalThis as any;
      if (!g.sessionStorage.getItem('seeded')) {
        g.sessionStorage.setItem('seeded', '1');
        g.localStorage.setItem('smc.apiKey', 'smc_left-over-key-from-an-older-console');
      }
    });
    await page.goto(`${s.url}/`);
    await expect.poll(async () => (await readable(page)).local['smc.apiKey']).toBeUndefined();
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('tab').allTextContents()).toEqual(['Data ExplorerAlt+1', 'IngestAlt+2', 'ModelsAlt+3', 'PredictionAlt+4']);
    const cookie = await sessionCookie(context);
    expect(cookie).not.toContain(key);
    const who = (await (await whoamiWith(cookie)).json()) as any;
    expect(who).toMatchObject({ kind: 'session', scopes: ['read', 'ingest'] });
    const seen = await readable(page);
    expect(JSON.stringify(seen)).not.toContain(key);
    expect(JSON.stringify(seen)).not.toContain(who.csrf_token);
    await page.reload();
    await expect.poll(() => page.getByRole('tab').count()).toBe(4);
  });

  it('says a spent link was already used or has expired and how to get a new one', async () => {
    const { page } = await newPage();
    const token = await s.station.signInToken(() => undefined);
    expect((await s.request('POST', '/api/v1/auth/sign-in', { key: null, body: { token } })).status).toBe(200);
    await page.goto(`${s.url}/?token=${token}`);
    await expect
      .poll(() => page.getByTestId('signin-problem').textContent())
      .toBe('This link was already used or has expired; ask for a new one (smc sign-in-link on the station prints one), or sign in with an API key.');
    expect(new URL(page.url()).searchParams.has('token')).toBe(false);
  });

  it('returns to sign-in, saying why, when an administrator ends the session on the station', async () => {
    const { page, context } = await newPage();
    await page.goto(`${s.url}/`);
    await page.getByLabel('API key').fill(await s.createKey(['read']));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('tab').count()).toBe(3);
    const who = (await (await whoamiWith(await sessionCookie(context))).json()) as any;
    expect((await s.request('DELETE', `/api/v1/admin/sessions/${who.session_id}`)).status).toBe(200);
    // The next call the console makes (opening the Models tab) hears the 401 and says why.
    await page.keyboard.press('Alt+2');
    await expect
      .poll(() => page.getByTestId('signin-problem').textContent())
      .toBe('Your session was ended on the station: it was signed out elsewhere, or its key was revoked. Sign in again.');
  });

  it('says a session left idle for a day has expired, and signs in again', async () => {
    // The station's clock, moved on by hand: a day passes in a moment.
    let now = Date.now();
    const clocked = await startStation({}, { rendererDir: builtRendererDir(), now: () => now });
    try {
      const { page, context } = await newPage();
      await page.goto(`${clocked.url}/`);
      const key = await clocked.createKey(['read']);
      await page.getByLabel('API key').fill(key);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => page.getByRole('tab').count()).toBe(3);
      const cookie = await sessionCookie(context);
      now += 24 * 3600_000 + 60_000;
      const gone = await fetch(`${clocked.url}/api/v1/auth/whoami`, { headers: { cookie } });
      expect([gone.status, ((await gone.json()) as any).error.details.reason]).toEqual([401, 'session_expired']);
      // The next call the console makes hears the 401 and says why.
      await page.keyboard.press('Alt+2');
      await expect.poll(() => page.getByTestId('signin-problem').textContent()).toBe('Your session has expired. Sign in again.');
      await page.locator('[data-lang="pt-BR"]').click();
      await expect.poll(() => page.getByTestId('signin-problem').textContent()).toBe('Sua sessão expirou. Entre novamente.');
      await page.locator('[data-lang="en"]').click();
      await page.getByLabel('API key').fill(key);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => page.getByRole('tab').count()).toBe(3);
    } finally {
      await clocked.stop();
    }
  });
});
