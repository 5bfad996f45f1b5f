import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { builtRendererDir, inkOf, launchChromium, openPage, screenshot, signInWithKey } from '../helpers/browser';
import { reading, startStation, tempDir, type TestStation } from '../helpers/station';

// The Data Explorer follows the station's readings.stored events: readings
// ingested through the API while the Explorer is open show up — a new
// sensor, a higher count, the newest reading, a longer chart — without a
// reload, also after the station restarts. The chart draws its line from
// the ISO times the station sends.

const ZONE = 'America/Sao_Paulo';
const SENSOR = 'press-9.oil-temp';
const NEW_SENSOR = 'press-9.oil-pressure';
const T0 = Date.UTC(2024, 4, 1, 12, 0, 0);
const MEAN_LINE: [number, number, number] = [10, 77, 162];

describe('live Data Explorer (Chromium)', () => {
  let s: TestStation;
  let dir: string;
  let rendererDir: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  const ingest = async (readings: unknown[]) => {
    const r = await s.request('POST', '/api/v1/data/ingest', { body: readings });
    expect(r.status, r.text).toBe(200);
  };
  const row = (id: string) => page.locator(`[data-testid=sensor-table] tr[data-sensor="${id}"]`);
  const count = (id: string) => row(id).locator('td.num').first().textContent();

  beforeAll(async () => {
    rendererDir = builtRendererDir();
    browser = await launchChromium();
    // A data directory of the test's own: the station restarts on it.
    dir = tempDir();
    s = await startStation({}, { rendererDir, dir });
    await ingest(Array.from({ length: 30 }, (_, i) => reading(SENSOR, T0 + i * 60_000, 50 + Math.sin(i / 4) * 3, { sensor_type: 'temperature', unit: 'C', asset_id: 'press-9' })));
    ({ context, page } = await openPage(browser, pageErrors, { timezoneId: ZONE }));
    await signInWithKey(page, s.url, s.adminKey);
  });

  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await browser?.close();
    await s?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('draws the series line from the station\'s ISO times', async () => {
    await expect.poll(() => count(SENSOR)).toBe('30');
    const chart = page.getByTestId('series-chart');
    await expect.poll(async () => Number(await chart.getAttribute('data-points'))).toBe(30);
    // The mean line itself, in its colour: a chart fed times it could not read would draw only its axes.
    await expect.poll(() => inkOf(chart.locator('canvas'), MEAN_LINE)).toBeGreaterThan(300);
    // The last reading's time, from its ISO string, in the operator's zone (UTC-3).
    const first = page.locator('[data-testid=readings-table] tbody tr').first();
    expect(await first.locator('time').getAttribute('datetime')).toBe(new Date(T0 + 29 * 60_000).toISOString());
    expect(await first.locator('time').textContent()).toBe('05/01/2024, 09:29:00');
  });

  it('shows readings ingested through the API while it is open, without a reload', async () => {
    // A mark on this page: a reload would lose it.
    await page.evaluate(() => ((globalThis as any).__notReloaded = true));
    await expect.poll(() => count(SENSOR)).toBe('30');
    const requests: string[] = [];
    page.on('request', (r) => requests.push(new URL(r.url()).pathname));

    await ingest([
      ...Array.from({ length: 5 }, (_, i) => reading(SENSOR, T0 + (30 + i) * 60_000, 60 + i, { sensor_type: 'temperature' })),
      reading(NEW_SENSOR, T0 + 34 * 60_000, 4.2, { sensor_type: 'pressure', unit: 'bar', asset_id: 'press-9' }),
    ]);

    await expect.poll(() => row(NEW_SENSOR).count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => count(SENSOR)).toBe('35');
    expect(await page.getByText('2 sensors').count()).toBe(1);
    // The newest reading heads the table, the chart has the five new minutes.
    const first = page.locator('[data-testid=readings-table] tbody tr').first();
    await expect.poll(() => first.locator('time').getAttribute('datetime')).toBe(new Date(T0 + 34 * 60_000).toISOString());
    const chart = page.getByTestId('series-chart');
    await expect.poll(async () => Number(await chart.getAttribute('data-points'))).toBe(35);
    expect(await page.evaluate(() => (globalThis as any).__notReloaded)).toBe(true);
    // One refresh for the batch (debounced), not one per reading.
    expect(requests.filter((p) => p === '/api/v1/sensors')).toHaveLength(1);
    await screenshot(page, '27-explorer-live');
  });

  it('resumes after the station restarts, from the last event it saw: what was stored while it was not listening still shows', async () => {
    const streams: { after: string | null; at: number }[] = [];
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.pathname === '/api/v1/events/stream') streams.push({ after: url.searchParams.get('after'), at: Date.now() });
    });
    // Nothing reconnects until the reading below is stored: the console can only learn of it by resuming.
    await page.route('**/api/v1/events/stream**', (route) => route.abort('connectionrefused'));
    const port = Number(new URL(s.url).port);
    await s.stop();
    s = await startStation({ port }, { rendererDir, dir });
    await ingest([reading(SENSOR, T0 + 40 * 60_000, 70)]);
    const missed = (await s.request('GET', '/api/v1/events?types=readings.stored&after=0&limit=1000')).body.events.at(-1);
    const allowed = Date.now();
    await page.unroute('**/api/v1/events/stream**');

    await expect.poll(() => count(SENSOR), { timeout: 45_000 }).toBe('36');
    // The stream that brought it was reopened from before the missed event, not "from now".
    const resumed = streams.filter((x) => x.at >= allowed);
    expect(resumed.length).toBeGreaterThan(0);
    expect(Number(resumed[0]!.after)).toBeLessThan(missed.seq);
    expect(await page.evaluate(() => (globalThis as any).__notReloaded)).toBe(true);
  }, 60_000);
});
