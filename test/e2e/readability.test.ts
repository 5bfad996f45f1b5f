import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { builtRendererDir, dateTimeFieldsFit, launchChromium, openPage, screenshot, selectsFit, signInWithKey } from '../helpers/browser';
import { reading, startStation, type TestStation } from '../helpers/station';

// What the operator reads must be whole: date-times with their seconds and
// AM/PM, sensor ids with their type, and one reading of a drift check's PSI
// in the summary and the table, in the operator's language.

const ZONE = 'America/Sao_Paulo';
const ASSET = 'press-4';
const LONG = `${ASSET}.main-motor-winding-temperature`;
const END = Date.UTC(2024, 4, 1, 23, 0, 0);
/** Readings per drift window, one a minute. */
const N = 200;
/** The recent window is the reference moved up by 9 % of its range: a moderate PSI (≈ 0.16), KS far from significant. */
const SHIFT = 0.9;

/** 0..n-1 in a fixed scrambled order, so neither window is a ramp. */
const scrambled = (n: number) => Array.from({ length: n }, (_, i) => (i * 73) % n);

describe('readable fields and drift readings (Chromium)', () => {
  let s: TestStation;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const rendererDir = builtRendererDir();
    browser = await launchChromium();
    s = await startStation({}, { rendererDir });
    // Values spread evenly over 40..50 °C in each window, the recent one shifted up.
    const order = scrambled(N);
    const value = (i: number) => 40 + ((order[i % N]! + 0.5) / N) * 10 + (i >= N ? SHIFT : 0);
    const readings = Array.from({ length: 2 * N }, (_, i) =>
      reading(LONG, END - (2 * N - 1 - i) * 60_000, Number(value(i).toFixed(4)), { sensor_type: 'temperature', unit: 'C', asset_id: ASSET }),
    );
    const res = await s.request('POST', '/api/v1/data/ingest', { body: readings });
    expect(res.status, res.text).toBe(200);

    ({ context, page } = await openPage(browser, pageErrors, { timezoneId: ZONE, width: 1440 }));
    await signInWithKey(page, s.url, s.adminKey);
    await page.getByRole('tab', { name: /Prediction/ }).waitFor();
  });

  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await browser?.close();
    await s?.stop();
  });

  async function openTab(n: number, name: RegExp): Promise<void> {
    await page.keyboard.press(`Alt+${n}`);
    await expect.poll(() => page.getByRole('tab', { name }).getAttribute('aria-selected')).toBe('true');
  }

  async function expectDateTimesWhole(atLeast: number): Promise<void> {
    const measured = await dateTimeFieldsFit(page);
    expect(measured.length).toBeGreaterThanOrEqual(atLeast);
    expect(measured.filter((m) => m.hidden.length > 0)).toEqual([]);
  }

  async function expectSelectsWhole(atLeast: number): Promise<void> {
    const measured = await selectsFit(page);
    expect(measured.length).toBeGreaterThanOrEqual(atLeast);
    expect(measured.filter((m) => m.hidden.length > 0)).toEqual([]);
  }

  for (const width of [1440, 1280, 1024]) {
    it(`shows whole date-times (with AM/PM) and whole sensor names at ${width} px`, async () => {
      await page.setViewportSize({ width, height: 900 });

      await openTab(1, /Data Explorer/);
      const filters = page.getByRole('form', { name: 'Filter readings' });
      // 20:00 in a 12-hour locale: the PM is what tells it from 08:00.
      await filters.getByLabel('From').fill('2024-05-01T20:00:00');
      await filters.getByLabel('To').fill('2024-05-01T23:59:59');
      await expectDateTimesWhole(2);
      await screenshot(page, `11-explorer-filters-${width}`);

      await openTab(2, /Ingest/);
      await expectDateTimesWhole(1);

      await openTab(3, /Models/);
      const train = page.getByTestId('train-form');
      await train.getByLabel(/^Forecast/).check();
      await expect.poll(() => train.getByLabel('Sensor', { exact: true }).inputValue()).toBe(LONG);
      expect(await train.getByLabel('Sensor', { exact: true }).locator('option:checked').textContent()).toBe(`${LONG} (temperature)`);
      await train.getByText('Advanced settings').click();
      await expectDateTimesWhole(2);
      await expectSelectsWhole(1);
      await train.getByText('Advanced settings').click();

      await openTab(4, /Prediction/);
      for (const form of ['forecast-form', 'drift-form']) {
        const select = page.getByTestId(form).getByLabel('Sensor', { exact: true });
        await expect.poll(() => select.inputValue()).toBe(LONG);
        expect(await select.locator('option:checked').textContent()).toBe(`${LONG} (temperature)`);
      }
      await page.getByTestId('detect-form').getByLabel('From (optional)').fill('2024-05-01T20:00:00');
      await expectDateTimesWhole(2);
      await expectSelectsWhole(3);
      await screenshot(page, `12-prediction-fields-${width}`);
    });
  }

  it('reads a moderate PSI the same way in the summary and in the table, in English and in Portuguese', async () => {
    // The data is what the test claims: PSI in the moderate band, below the drift limit, KS not significant.
    const api = await s.request('POST', '/api/v1/ml/check_drift', { body: { sensor_id: LONG, window_minutes: N } });
    expect(api.status, api.text).toBe(200);
    expect(api.body.psi).toBeGreaterThan(0.1);
    expect(api.body.psi).toBeLessThanOrEqual(api.body.psi_threshold);
    expect(api.body.drift_detected).toBe(false);

    await page.setViewportSize({ width: 1440, height: 900 });
    await openTab(4, /Prediction/);
    const form = page.getByTestId('drift-form');
    await form.getByLabel('Sensor', { exact: true }).selectOption(LONG);
    await form.getByLabel('Recent window (minutes)').fill(String(N));
    await form.getByRole('button', { name: 'Check drift' }).click();
    const result = page.getByTestId('drift-result');
    await expect.poll(() => result.getAttribute('data-verdict')).toBe('stable');
    const detail = result.getByTestId('drift-detail');
    const row = result.locator('tr[data-measure=psi]');
    expect(await detail.getAttribute('data-psi')).toBe('moderate');
    expect(await row.getAttribute('data-psi')).toBe('moderate');
    const psi = new Intl.NumberFormat('en', { maximumSignificantDigits: 3 }).format(api.body.psi);
    expect(await detail.textContent()).toContain(`PSI ${psi}: a moderate shift, below the drift limit of 0.2.`);
    expect(await row.textContent()).toContain('A moderate shift, not drift');
    expect(await row.textContent()).not.toContain('Stable population');
    await screenshot(page, '13-drift-moderate');

    await page.locator('[data-lang="pt-BR"]').click();
    await expect.poll(() => form.getByRole('button').textContent()).toBe('Verificar deriva');
    const psiPt = new Intl.NumberFormat('pt-BR', { maximumSignificantDigits: 3 }).format(api.body.psi);
    const text = (await detail.textContent()) ?? '';
    expect(text).toContain(`PSI ${psiPt}: uma mudança moderada, abaixo do limite de deriva de 0,2.`);
    expect(text).toMatch(/^Estatística KS [\d,]+, valor-p [\d,]+: não está abaixo de 0,05/);
    // None of the station's English notes leak into the Portuguese screen.
    expect(text).not.toMatch(/moderate|shift|bins|over|not computed/i);
    expect(await row.textContent()).toContain('Uma mudança moderada, não é deriva');
    await page.locator('[data-lang="en"]').click();
  });
});
