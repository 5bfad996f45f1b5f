import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { builtRendererDir, launchChromium, openPage, screenshot, signInWithKey as signIn } from '../helpers/browser';
import { reading, startStation, type TestStation } from '../helpers/station';

// The web console in real Chromium against a real station over loopback HTTP.
// The browser runs in São Paulo time (UTC-3, no DST since 2019) so the test
// sees the UTC → local conversion, not a coincidence of zones.
const ZONE = 'America/Sao_Paulo';
const SENSOR = 'pump-1.temp';
const LAST_TS = Date.UTC(2024, 4, 1, 12, 34, 56);
const LAST_ISO = '2024-05-01T12:34:56.000Z';
const LAST_LOCAL = '09:34:56';

describe('web console (Chromium)', () => {
  let s: TestStation;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  async function newPage(): Promise<Page> {
    const { context, page } = await openPage(browser, pageErrors, { timezoneId: ZONE, acceptDownloads: true });
    contexts.push(context);
    return page;
  }

  const signInWithKey = (page: Page, key: string) => signIn(page, s.url, key);

  beforeAll(async () => {
    const rendererDir = builtRendererDir();
    browser = await launchChromium();
    s = await startStation({}, { rendererDir });
    // Thirty readings a minute apart, the last one the reading the test looks for.
    const readings = Array.from({ length: 30 }, (_, i) =>
      reading(SENSOR, LAST_TS - (29 - i) * 60_000, i === 29 ? 42.5 : 40 + Math.sin(i / 3) * 2, { sensor_type: 'temperature', unit: 'C', asset_id: 'pump-1', quality: 0.9 }),
    );
    const res = await s.request('POST', '/api/v1/data/ingest', { body: readings });
    expect(res.status, res.text).toBe(200);
    expect(res.body.stored).toBe(30);
  });

  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await s?.stop();
  });

  it('signs in from the token link and shows the sensor, its readings, chart and CSV export', async () => {
    const page = await newPage();
    await page.goto(`${s.url}/?token=${await s.station.signInToken(() => undefined)}`);
    await expect.poll(() => page.getByTestId('key-name').textContent()).toContain('web sign-in');
    // The spent token must not stay in the address bar.
    expect(new URL(page.url()).searchParams.has('token')).toBe(false);
    expect(await page.getByRole('tab').allTextContents()).toEqual(['Data ExplorerAlt+1', 'IngestAlt+2', 'ModelsAlt+3', 'PredictionAlt+4']);

    const row = page.locator(`[data-testid=sensor-table] tr[data-sensor="${SENSOR}"]`);
    await expect.poll(() => row.count()).toBe(1);
    const cells = await row.locator('td').allTextContents();
    expect(cells).toContain('pump-1');
    expect(cells).toContain('temperature');
    expect(cells).toContain('30');

    const first = page.locator('[data-testid=readings-table] tbody tr').first();
    await expect.poll(() => first.locator('time').getAttribute('datetime')).toBe(LAST_ISO);
    expect(await first.locator('time').textContent()).toContain(LAST_LOCAL);
    expect(await first.locator('td').nth(2).textContent()).toContain('42.5');

    // The chart: buckets arrived and the canvas has ink on it.
    const chart = page.getByTestId('series-chart');
    await expect.poll(async () => Number(await chart.getAttribute('data-points'))).toBeGreaterThan(0);
    await expect
      .poll(() =>
        chart.locator('canvas').evaluate((canvas: any) => {
          const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
          let inked = 0;
          for (let i = 3; i < data.length; i += 4) if (data[i] > 0) inked++;
          return inked;
        }),
      )
      .toBeGreaterThan(1000);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(download.suggestedFilename()).toMatch(/^readings-.*\.csv$/);
    expect(csv).toContain(`${SENSOR},2024-05-01T12:34:56`);
    expect(csv).toMatch(/,42\.5,/);
    await expect.poll(() => page.getByText(/^Saved readings-/).count()).toBe(1);
    await screenshot(page, '01-explorer');
  });

  it('says which summaries a dense sensor\'s chart was read from', async () => {
    // 5 readings a second for an hour: the chart's buckets are a few seconds wide, read from the per-second rollups.
    const start = Date.parse('2024-05-01T10:00:00Z');
    const dense = Array.from({ length: 18_000 }, (_, i) => reading('dense-vib', start + i * 200, Math.sin(i / 50), { sensor_type: 'vibration' }));
    for (let i = 0; i < dense.length; i += 6000) expect((await s.request('POST', '/api/v1/data/ingest', { body: dense.slice(i, i + 6000) })).status).toBe(200);
    const page = await newPage();
    await signInWithKey(page, s.adminKey);
    const row = page.locator('[data-testid=sensor-table] tr[data-sensor="dense-vib"]');
    await expect.poll(() => row.count()).toBe(1);
    await row.click();
    const caption = page.getByTestId('series-source');
    await expect.poll(() => caption.getAttribute('data-source')).toBe('1s');
    expect(await caption.textContent()).toMatch(/^Each point summarizes .+ of readings · read from the per-second summaries$/);
  });

  it('switches to Brazilian Portuguese and keeps the choice after a reload', async () => {
    const page = await newPage();
    await signInWithKey(page, s.adminKey);
    await expect.poll(() => page.getByRole('tab', { name: /Data Explorer/ }).count()).toBe(1);
    await page.locator('[data-lang="pt-BR"]').click();
    await expect.poll(() => page.getByRole('tab').allTextContents()).toEqual(['Explorador de dadosAlt+1', 'Entrada de dadosAlt+2', 'ModelosAlt+3', 'PrevisãoAlt+4']);
    expect(await page.getByRole('heading', { name: 'Sensores' }).count()).toBe(1);
    expect(await page.locator('html').getAttribute('lang')).toBe('pt-BR');
    await page.reload();
    await expect.poll(() => page.getByRole('button', { name: 'Sair' }).count()).toBe(1);
    // Numbers follow the language too: 42,5 in pt-BR.
    const first = page.locator('[data-testid=readings-table] tbody tr').first();
    await expect.poll(() => first.locator('td').nth(2).textContent()).toContain('42,5');
    await screenshot(page, '02-explorer-pt-br');
  });

  it('shows the station\'s field error next to the value input, then stores a corrected reading', async () => {
    const page = await newPage();
    await signInWithKey(page, s.adminKey);
    await expect.poll(() => page.getByRole('tab', { name: /Ingest/ }).count()).toBe(1);
    await page.keyboard.press('Alt+2');
    await expect.poll(() => page.getByRole('tab', { name: /Ingest/ }).getAttribute('aria-selected')).toBe('true');
    const form = page.getByTestId('manual-form');
    await form.getByLabel('Sensor ID').fill('manual-1');
    await form.getByLabel('Value').fill('abc');
    await form.getByRole('button', { name: 'Store reading' }).click();
    const valueInput = form.getByLabel('Value');
    await expect.poll(() => valueInput.getAttribute('aria-invalid')).toBe('true');
    const errorId = (await valueInput.getAttribute('aria-describedby'))!.split(' ')[0]!;
    expect(await page.locator(`[id="${errorId}"]`).textContent()).toContain('Value must be a number.');
    expect(await form.getByLabel('Sensor ID').getAttribute('aria-invalid')).toBeNull();
    await screenshot(page, '03-manual-field-error');

    // A decimal comma, as typed on a Brazilian keyboard, is accepted.
    await valueInput.fill('12,5');
    await form.getByRole('button', { name: 'Store reading' }).click();
    await expect.poll(() => page.getByTestId('manual-outcome').getAttribute('data-outcome')).toBe('stored');
    expect(await page.getByTestId('manual-outcome').textContent()).toContain('New sensor registered: manual-1');
    const stored = await s.request('GET', '/api/v1/sensors/readings?sensor_id=manual-1');
    expect(stored.body.readings.map((r: { value: number }) => r.value)).toEqual([12.5]);
  });

  it('imports a CSV file through the UI and reports the counts and the bad line', async () => {
    const page = await newPage();
    await signInWithKey(page, s.adminKey);
    await expect.poll(() => page.getByRole('tab', { name: /Ingest/ }).count()).toBe(1);
    await page.getByRole('tab', { name: /Ingest/ }).click();
    const form = page.getByTestId('import-form');
    const csv = 'timestamp,value\n2024-05-02 00:00:00,1.5\n2024-05-02 00:01:00,2.5\nnot-a-time,3\n2024-05-02 00:03:00,4.5\n';
    await form.getByLabel('Choose a file…').setInputFiles({ name: 'handheld.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await form.getByLabel('Sensor ID').fill('handheld-7');
    await form.getByLabel('Type (when the file has none)').fill('vibration');
    expect(await form.getByLabel('Timestamps without a time zone are UTC').isChecked()).toBe(true);
    await form.getByRole('button', { name: 'Import file' }).click();
    const summary = page.getByTestId('import-summary');
    await expect.poll(() => summary.count()).toBe(1);
    const count = async (k: string) => (await summary.locator(`[data-count=${k}] dd`).textContent())?.trim();
    expect(await count('rows')).toBe('4');
    expect(await count('stored')).toBe('3');
    expect(await count('rejected')).toBe('1');
    expect(await count('duplicates')).toBe('0');
    expect(await summary.getByTestId('import-issues').textContent()).toContain('Line 4');
    const sensor = await s.request('GET', '/api/v1/sensors/handheld-7');
    expect(sensor.body).toMatchObject({ sensor_type: 'vibration', reading_count: 3 });
    await screenshot(page, '04-import-summary');
  });

  it('reads a partly rejected import as a warning and a wholly rejected one as an error, brought into view and focused', async () => {
    const page = await newPage();
    await signInWithKey(page, s.adminKey);
    await expect.poll(() => page.getByRole('tab', { name: /Ingest/ }).count()).toBe(1);
    await page.getByRole('tab', { name: /Ingest/ }).click();
    const form = page.getByTestId('import-form');
    await form.getByLabel('Sensor ID').fill('handheld-8');
    const summary = page.getByTestId('import-summary');

    // Six rows, four of them refused: two bad times, a value that is not a number, a missing value.
    const partly = 'timestamp,value\n2024-05-03 00:00:00,1\n2024-05-03 00:01:00,2\nbad,3\nbad,4\n2024-05-03 00:04:00,x\n2024-05-03 00:05:00,\n';
    await form.getByLabel('Choose a file…').setInputFiles({ name: 'partly.csv', mimeType: 'text/csv', buffer: Buffer.from(partly) });
    expect(await form.textContent()).toContain(`partly.csv (${Buffer.byteLength(partly)} bytes)`);
    await form.getByRole('button', { name: 'Import file' }).click();
    await expect.poll(() => summary.getAttribute('data-tone')).toBe('warn');
    expect(await summary.locator('h3').textContent()).toBe('Import finished with problems');
    expect(await summary.textContent()).toContain('4 of 6 rows rejected');
    expect(await summary.locator('[data-count=stored] dd').textContent()).toBe('2');
    // Amber, not the green of a clean import.
    expect(await summary.evaluate((el: any) => (globalThis as any).getComputedStyle(el).borderLeftColor)).toBe('rgb(138, 90, 0)');
    await expectInViewAndFocused(page);
    await screenshot(page, '14-import-problems');
    // Only an import that just ended takes the focus: coming back to the tab leaves it on the tab.
    await page.keyboard.press('Alt+1');
    await page.keyboard.press('Alt+2');
    await expect.poll(() => summary.getAttribute('data-tone')).toBe('warn');
    expect(await page.evaluate(() => (globalThis as any).document.activeElement?.id)).toBe('tab-ingest');

    const none = 'timestamp,value\nbad,1\nworse,2\n';
    await form.getByLabel('Choose a file…').setInputFiles({ name: 'none.csv', mimeType: 'text/csv', buffer: Buffer.from(none) });
    await page.evaluate(() => (globalThis as any).scrollTo(0, 0));
    await form.getByRole('button', { name: 'Import file' }).click();
    await expect.poll(() => summary.getAttribute('data-tone')).toBe('error');
    expect(await summary.locator('h3').textContent()).toBe('Import failed: every row was rejected');
    expect(await summary.evaluate((el: any) => (globalThis as any).getComputedStyle(el).borderLeftColor)).toBe('rgb(164, 22, 26)');
    await expectInViewAndFocused(page);
  });

  it('survives a malformed escape in the address and lands on the first tab', async () => {
    const page = await newPage();
    await signInWithKey(page, s.adminKey);
    await expect.poll(() => page.getByRole('tab', { name: /Data Explorer/ }).count()).toBe(1);
    // Changing only the hash does not reload: load the page afresh with it, as a pasted link would.
    await page.goto(`${s.url}/#%E0%A4%A`);
    await page.reload();
    await expect.poll(() => page.getByRole('tab', { name: /Data Explorer/ }).getAttribute('aria-selected')).toBe('true');
    await expect.poll(() => page.locator(`[data-testid=sensor-table] tr[data-sensor="${SENSOR}"]`).count()).toBe(1);
    expect(new URL(page.url()).hash).toBe('#%E0%A4%A');
  });

  it('says the counts of nothing in the plural in Portuguese: 0 modelos, 0 versões', async () => {
    const page = await newPage();
    await signInWithKey(page, s.adminKey);
    await expect.poll(() => page.getByRole('tab', { name: /Models/ }).count()).toBe(1);
    await page.locator('[data-lang="pt-BR"]').click();
    await page.keyboard.press('Alt+3');
    await expect.poll(() => page.getByTestId('ml-runtime').textContent()).toContain('0 modelos, 0 versões no registro');
    const registry = page.locator('section[aria-labelledby=models-registry-title] .card__head [role=status]');
    await expect.poll(() => registry.textContent()).toBe('0 modelos');
    await page.locator('[data-lang="en"]').click();
    await expect.poll(() => registry.textContent()).toBe('0 models');
    await expect.poll(() => page.getByTestId('ml-runtime').textContent()).toContain('0 models, 0 versions in the registry');
  });

  it('says when the station is unreachable or the key is wrong, and shows only Ingest to an ingest-only key', async () => {
    const page = await newPage();
    // The station unreachable: said as such, not as a bad key.
    await page.route('**/api/v1/auth/whoami', (route) => route.abort('connectionrefused'));
    await signInWithKey(page, s.adminKey);
    await expect.poll(() => page.getByTestId('signin-problem').textContent()).toContain('Cannot reach the station');
    await page.unroute('**/api/v1/auth/whoami');

    await page.getByLabel('API key').fill('not-a-real-key-0123456789');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByTestId('signin-problem').textContent()).toContain('This key is not valid');
    await screenshot(page, '05-signin-invalid');

    const ingestKey = await s.createKey(['ingest']);
    await page.getByLabel('API key').fill(ingestKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('tab').allTextContents()).toEqual(['IngestAlt+1']);
    expect(await page.getByTestId('manual-form').count()).toBe(1);
    await screenshot(page, '06-ingest-only');
  });

  it('returns to sign-in, saying why, when the key is revoked', async () => {
    const key = await s.createKey(['read']);
    const page = await newPage();
    await signInWithKey(page, key);
    await expect.poll(() => page.getByRole('tab').allTextContents()).toEqual(['Data ExplorerAlt+1', 'ModelsAlt+2', 'PredictionAlt+3']);
    const keys = await s.request('GET', '/api/v1/admin/keys');
    const id = keys.body.keys.find((k: { prefix: string }) => key.startsWith(k.prefix)).id;
    expect((await s.request('DELETE', `/api/v1/admin/keys/${id}`)).status).toBe(200);
    // The next call the console makes (opening the Models tab) hears the 401. A click on a button
    // that the sign-in screen replaces mid-click would wait for it to come back.
    await page.keyboard.press('Alt+2');
    await expect.poll(() => page.getByTestId('signin-problem').textContent()).toContain('Your session was ended on the station');
    expect(await page.evaluate(() => (globalThis as any).localStorage.getItem('smc.apiKey'))).toBeNull();
    await screenshot(page, '07-key-revoked');
  });
});

/** The import summary is on screen (whole, when it fits) and has the focus. */
async function expectInViewAndFocused(page: Page): Promise<void> {
  await expect
    .poll(() =>
      page.getByTestId('import-summary').evaluate((el: any) => {
        const r = el.getBoundingClientRect();
        const h = (globalThis as any).innerHeight;
        // Scrolled into view to the nearest edge, which lands on a fraction of a pixel.
        return r.top >= -1 && (r.bottom <= h + 1 || r.top < h / 2);
      }),
    )
    .toBe(true);
  expect(await page.evaluate(() => (globalThis as any).document.activeElement?.getAttribute('data-testid'))).toBe('import-summary');
}
