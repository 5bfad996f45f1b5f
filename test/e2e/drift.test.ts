import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { builtRendererDir, launchChromium, openPage, screenshot, signInWithKey } from '../helpers/browser';
import { reading, startStation, type TestStation } from '../helpers/station';

// Drift in Chromium: a read-only key looks without recording anything
// (GET /sensors/{id}/drift); an operator's check records the drift and
// raises one retraining recommendation per sensor (POST check-drift),
// which the Models tab shows as one card — how often, since when — and
// which the operator can dismiss.

const ZONE = 'America/Sao_Paulo';
const SENSOR = 'mill-2.bearing-temp';
const END = Date.UTC(2024, 4, 1, 23, 0, 0);
/** Readings per window, one a minute; the recent window runs 8 °C hotter: drift by any measure. */
const N = 200;

describe('drift checks and retraining recommendations (Chromium)', () => {
  let s: TestStation;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  async function signedIn(key: string, locale = 'en-US'): Promise<Page> {
    const { context, page } = await openPage(browser, pageErrors, { timezoneId: ZONE, locale });
    contexts.push(context);
    await signInWithKey(page, s.url, key);
    await page.getByRole('tab', { name: /Prediction/ }).click();
    return page;
  }

  /** Runs a drift check from the Prediction tab; resolves to the request the console made. */
  async function checkDrift(page: Page) {
    const form = page.getByTestId('drift-form');
    await expect.poll(() => form.getByLabel('Sensor', { exact: true }).inputValue()).toBe(SENSOR);
    await form.getByLabel('Recent window (minutes)').fill(String(N));
    const [request] = await Promise.all([
      page.waitForRequest((r) => r.url().includes('/drift') || r.url().includes('/check-drift')),
      form.getByRole('button', { name: 'Check drift' }).click(),
    ]);
    await expect.poll(() => page.getByTestId('drift-result').getAttribute('data-verdict')).toBe('drift');
    return request;
  }

  const openRecommendations = async () => (await s.request('GET', '/api/v1/ml/recommend')).body.retraining as { id: string; sensor_id: string; detections: number }[];

  beforeAll(async () => {
    const rendererDir = builtRendererDir();
    browser = await launchChromium();
    s = await startStation({}, { rendererDir });
    const value = (i: number) => 60 + ((i * 37) % N) / N + (i >= N ? 8 : 0);
    const readings = Array.from({ length: 2 * N }, (_, i) => reading(SENSOR, END - (2 * N - 1 - i) * 60_000, Number(value(i).toFixed(3)), { sensor_type: 'temperature', unit: 'C', asset_id: 'mill-2' }));
    expect((await s.request('POST', '/api/v1/data/ingest', { body: readings })).status).toBe(200);
  });

  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await s?.stop();
  });

  it('lets a read-only key look at drift without recording it', async () => {
    const page = await signedIn(await s.createKey(['read']));
    expect(await page.getByTestId('drift-view-only').textContent()).toContain('without recording it');
    const request = await checkDrift(page);
    expect([request.method(), new URL(request.url()).pathname]).toEqual(['GET', `/api/v1/sensors/${SENSOR}/drift`]);
    expect(new URL(request.url()).searchParams.get('window_minutes')).toBe(String(N));

    const result = page.getByTestId('drift-result');
    expect(await result.getAttribute('data-recorded')).toBe('false');
    expect(await page.getByTestId('drift-recommendation').count()).toBe(0);
    // The station's reading of PSI, in the summary and the table alike.
    const api = (await s.request('GET', `/api/v1/sensors/${SENSOR}/drift?window_minutes=${N}`)).body;
    expect(api.psi_level).toBe('significant');
    expect(await result.getByTestId('drift-detail').getAttribute('data-psi')).toBe(api.psi_level);
    expect(await result.locator('tr[data-measure=psi]').getAttribute('data-psi')).toBe(api.psi_level);
    expect(await result.locator('tr[data-measure=psi]').getAttribute('class')).toBe('prediction-flag');
    // Nothing was recorded: no recommendation, no drift event.
    expect(await openRecommendations()).toEqual([]);
    expect((await s.request('GET', '/api/v1/events?types=drift.detected')).body.events).toEqual([]);
    await screenshot(page, '25-drift-read-only');
  });

  it('records an operator\'s checks as one recommendation per sensor, shown with its detections and times, and dismissed from the Models tab', async () => {
    const page = await signedIn(s.adminKey);
    expect(await page.getByTestId('drift-view-only').count()).toBe(0);
    for (let i = 0; i < 2; i++) {
      const request = await checkDrift(page);
      expect([request.method(), new URL(request.url()).pathname]).toEqual(['POST', '/api/v1/ml/check-drift']);
      expect(request.postDataJSON()).toMatchObject({ sensor_id: SENSOR, window_minutes: N });
      expect(await page.getByTestId('drift-result').getAttribute('data-recorded')).toBe('true');
    }
    expect(await page.getByTestId('drift-recommendation').textContent()).toBe(`Recorded: the retraining recommendation for ${SENSOR} was raised or updated. It is listed in the Models tab.`);
    const open = await openRecommendations();
    expect(open.map((r) => [r.sensor_id, r.detections])).toEqual([[SENSOR, 2]]);
    expect((await s.request('GET', '/api/v1/events?types=drift.detected')).body.events).toHaveLength(2);

    await page.getByRole('tab', { name: /Models/ }).click();
    const cards = page.getByTestId('rec-card');
    await expect.poll(() => cards.count()).toBe(1);
    const card = cards.first();
    expect(await card.getAttribute('data-sensor')).toBe(SENSOR);
    expect(await card.locator('.models-badge').textContent()).toBe('2 detections');
    expect(await card.getByTestId('rec-seen').textContent()).toMatch(/^Drift first detected \d\d\/\d\d\/\d{4}, \d\d:\d\d:\d\d, last detected \d\d\/\d\d\/\d{4}, \d\d:\d\d:\d\d$/);
    expect(await card.textContent()).toContain('No model is trained on this sensor yet.');
    expect(await card.getByRole('button', { name: `Prepare a forecast model for ${SENSOR}` }).count()).toBe(1);

    await page.locator('[data-lang="pt-BR"]').click();
    await expect.poll(() => card.locator('.models-badge').textContent()).toBe('2 detecções');
    expect(await card.getByTestId('rec-seen').textContent()).toMatch(/^Deriva detectada pela primeira vez em .+, pela última em .+$/);
    expect(await card.textContent()).not.toMatch(/\b(drift|detected|retrain|the)\b/i);
    await screenshot(page, '26-recommendation-pt');
    await page.locator('[data-lang="en"]').click();

    await card.getByRole('button', { name: `Dismiss the recommendation for ${SENSOR}` }).click();
    await expect.poll(() => cards.count()).toBe(0);
    expect(await page.getByTestId('rec-retraining-empty').textContent()).toBe('No drift detected: nothing needs retraining.');
    expect(await openRecommendations()).toEqual([]);
  });
});
