import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { builtRendererDir, launchChromium, openPage, screenshot, signInWithKey } from '../helpers/browser';
import { waitForJob } from '../helpers/ml-data';
import { reading, startStation, type TestStation } from '../helpers/station';

// axe-core over every tab of the console, in English and in Portuguese,
// with data loaded so that the tables, charts, results and notices the
// operator works with are on screen when it looks. Serious and critical
// violations fail the test.

const ZONE = 'America/Sao_Paulo';
const ASSET = 'line-2';
const TEMP = `${ASSET}.bearing-temp`;
const VIB = `${ASSET}.vibration`;
const STEP = 5 * 60_000;
const ROWS = 600;
const END = Date.UTC(2024, 4, 1, 12, 0, 0);
/**
 * The project's axe-core rather than the older copy @axe-core/playwright
 * bundles: in that one label-content-name-mismatch (a name that does not
 * contain the visible text) is still experimental and off.
 */
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface Finding {
  rule: string;
  impact: string | null | undefined;
  help: string;
  targets: string[];
}

describe('accessibility of every tab (axe-core, Chromium)', () => {
  let s: TestStation;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const rendererDir = builtRendererDir();
    browser = await launchChromium();
    s = await startStation({}, { rendererDir });
    // Two sensors of one asset on a 5-minute clock: a daily cycle with a slow rise, deterministic.
    const readings = Array.from({ length: ROWS }, (_, i) => {
      const ts = END - (ROWS - 1 - i) * STEP;
      const day = Math.sin((2 * Math.PI * i) / 288);
      return [
        reading(TEMP, ts, Number((60 + 5 * day + i * 0.01 + Math.sin(i * 1.7)).toFixed(3)), { sensor_type: 'temperature', unit: 'C', asset_id: ASSET, quality: 0.95 }),
        reading(VIB, ts, Number((2 + 0.5 * day + Math.cos(i * 2.3) * 0.2).toFixed(3)), { sensor_type: 'vibration', unit: 'mm/s', asset_id: ASSET }),
      ];
    }).flat();
    const res = await s.request('POST', '/api/v1/data/ingest', { body: readings });
    expect(res.status, res.text).toBe(200);
    // A registry with a version, and recent jobs of two states.
    const trained = await s.request('POST', '/api/v1/ml/train', { body: { kind: 'forecast', sensor_id: TEMP, epochs: 2, seed: 3 } });
    expect(trained.status, trained.text).toBe(202);
    expect((await waitForJob(s, trained.body.job.id)).job.state).toBe('succeeded');
    const failing = await s.request('POST', '/api/v1/ml/train', { body: { kind: 'rul', csv: 'unit,cycle,s1\n1,1,5\n1,2,6\n', asset_col: 'unit', time_col: 'cycle', dataset: 'tiny' } });
    expect((await waitForJob(s, failing.body.job.id)).job.state).toBe('failed');

    ({ context, page } = await openPage(browser, pageErrors, { timezoneId: ZONE }));
    await signInWithKey(page, s.url, s.adminKey);
    await page.getByRole('tab').first().waitFor();
  }, 180_000);

  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await browser?.close();
    await s?.stop();
  });

  /** Serious and critical findings on the page as it is now. */
  async function audit(on: Page = page): Promise<Finding[]> {
    const { violations } = await new AxeBuilder({ page: on, axeSource: AXE_SOURCE }).options({ rules: { 'label-content-name-mismatch': { enabled: true } } }).analyze();
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ rule: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
  }

  async function openTab(n: number): Promise<void> {
    await page.keyboard.press(`Alt+${n}`);
    await expect.poll(() => page.getByRole('tab').nth(n - 1).getAttribute('aria-selected')).toBe('true');
  }

  it('finds no serious or critical violation on the sign-in screen, with its problem notice', async () => {
    const signIn = await context.browser()!.newContext({ viewport: { width: 1366, height: 900 }, timezoneId: ZONE, locale: 'en-US' });
    const fresh = await signIn.newPage();
    try {
      fresh.on('pageerror', (err) => pageErrors.push(err.message));
      await fresh.goto(`${s.url}/`);
      await fresh.getByLabel('API key').fill('not-a-real-key-0123456789');
      await fresh.getByRole('button', { name: 'Sign in' }).click();
      // A new browser context opens the console, then the station answers the sign-in: with the
      // suite's other files on the same two cores that can take more than the default second.
      await expect.poll(() => fresh.getByTestId('signin-problem').count(), { timeout: 10_000 }).toBe(1);
      expect(await audit(fresh)).toEqual([]);
    } finally {
      await signIn.close();
    }
  });

  for (const lang of ['en', 'pt-BR'] as const) {
    it(`finds no serious or critical violation on any tab (${lang})`, async () => {
      await page.locator(`[data-lang="${lang}"]`).click();
      await expect.poll(() => page.locator('html').getAttribute('lang')).toBe(lang);
      const findings: Record<string, Finding[]> = {};

      // Data Explorer: the sensor table, the chart with its buckets, a page of readings.
      await openTab(1);
      await expect.poll(() => page.locator('[data-testid=sensor-table] tbody tr').count()).toBe(2);
      await expect.poll(async () => Number(await page.getByTestId('series-chart').getAttribute('data-points'))).toBeGreaterThan(0);
      await expect.poll(() => page.locator('[data-testid=readings-table] tbody tr').count()).toBeGreaterThan(0);
      findings.explorer = await audit();

      // Ingest: a field error from the station, and an import summary with a rejected line.
      await openTab(2);
      const manual = page.getByTestId('manual-form');
      await manual.locator('input[name=sensor_id]').fill('manual-9');
      await manual.locator('input[name=value]').fill('abc');
      await manual.locator('button[type=submit]').click();
      await expect.poll(() => manual.locator('input[name=value]').getAttribute('aria-invalid')).toBe('true');
      const importForm = page.getByTestId('import-form');
      await importForm.locator('input[type=file]').setInputFiles({ name: 'a.csv', mimeType: 'text/csv', buffer: Buffer.from(`sensor_id,timestamp,value\n${TEMP},bad,1\n`) });
      await importForm.locator('button[type=submit]').click();
      await expect.poll(() => page.getByTestId('import-summary').count()).toBe(1);
      findings.ingest = await audit();

      // Models: the registry with the trained version, its versions, the recent jobs (one failed).
      await openTab(3);
      await expect.poll(() => page.locator('[data-testid=models-table] tbody tr').count()).toBe(1);
      await expect.poll(() => page.locator('[data-testid=versions-table] tbody tr').count()).toBe(1);
      await expect.poll(() => page.getByTestId('recent-job').count()).toBe(2);
      await expect.poll(() => page.getByTestId('recommendations').locator('li').count()).toBeGreaterThan(0);
      findings.models = await audit();

      // Prediction: a forecast with a threshold, anomaly detection and a drift check, each with its result.
      await openTab(4);
      const forecast = page.getByTestId('forecast-form');
      await expect.poll(() => forecast.locator('select').inputValue()).not.toBe('');
      await forecast.locator('select').selectOption(TEMP);
      await forecast.locator('input[inputmode=decimal]').fill('70');
      await forecast.locator('button[type=submit]').click();
      await expect.poll(() => page.getByTestId('forecast-result').count()).toBe(1);
      await page.getByTestId('detect-form').locator('button[type=submit]').click();
      await expect.poll(() => page.getByTestId('detect-result').count(), { timeout: 30_000 }).toBe(1);
      await page.getByTestId('drift-form').locator('button[type=submit]').click();
      await expect.poll(() => page.getByTestId('drift-result').count()).toBe(1);
      await expect.poll(async () => Number(await page.getByTestId('score-chart').getAttribute('data-points'))).toBeGreaterThan(1);
      await page.getByTestId('drift-result').waitFor();
      findings.prediction = await audit();
      await screenshot(page, `16-a11y-prediction-${lang}`);

      // Back on Models: the retraining recommendation the drift check raised, one card per sensor.
      await openTab(3);
      await expect.poll(() => page.getByTestId('rec-card').count()).toBe(1);
      // A field error's technical details opened, as an integrator would.
      await openTab(2);
      await page.getByTestId('manual-form').getByTestId('technical-details').first().locator('summary').click();
      findings.ingestDetails = await audit();
      await openTab(3);
      findings.recommendations = await audit();

      expect(findings).toEqual({ explorer: [], ingest: [], models: [], prediction: [], ingestDetails: [], recommendations: [] });
    }, 120_000);
  }
});
