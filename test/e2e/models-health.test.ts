import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { builtRendererDir, launchChromium, openPage, screenshot, signInWithKey } from '../helpers/browser';
import { reading, startStation, type TestStation } from '../helpers/station';

// What the Models tab says about the model runtime, from the station's own
// reading of it (ml.health): a worker that cannot start turns training off
// and says why, safe mode says statistics stand in. And what a full
// training queue answers (429, with the wait).

const ZONE = 'America/Sao_Paulo';
const SENSOR = 'kiln-1.temp';
const END = Date.UTC(2024, 4, 1, 23, 0, 0);
const N = 200;

describe('the model runtime on the Models tab (Chromium)', () => {
  let browser: Browser;
  let rendererDir: string;
  const stations: TestStation[] = [];
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  async function signedIn(s: TestStation, key = s.adminKey, locale = 'en-US'): Promise<Page> {
    const { context, page } = await openPage(browser, pageErrors, { timezoneId: ZONE, locale });
    contexts.push(context);
    await signInWithKey(page, s.url, key, locale === 'pt-BR' ? 'pt-BR' : 'en');
    await page.getByRole('tab').first().waitFor();
    return page;
  }

  async function openModels(page: Page): Promise<void> {
    await page.getByRole('tab', { name: /Models|Modelos/ }).click();
    await expect.poll(() => page.getByTestId('ml-runtime').count()).toBe(1);
  }

  beforeAll(async () => {
    rendererDir = builtRendererDir();
    browser = await launchChromium();
  });

  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    for (const s of stations) await s.stop();
  });

  it('says training is off, with the worker\'s error, when the model worker cannot start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smc-no-worker-'));
    try {
      const s = await startStation({}, { rendererDir, station: { mlWorkerScript: join(dir, 'missing-ml-worker.js') } });
      stations.push(s);
      let health: any;
      await expect.poll(async () => (health = (await s.request('GET', '/api/v1/ml/health')).body).status).toBe('degraded');
      expect(health.worker.error).toBeTruthy();

      const page = await signedIn(s);
      await openModels(page);
      const runtime = page.getByTestId('ml-runtime');
      await expect.poll(() => runtime.getAttribute('data-status')).toBe('degraded');
      // A warning, not the green "Models run on TF.js" of a working runtime.
      expect(await runtime.getAttribute('class')).toContain('notice--warn');
      expect(await runtime.textContent()).not.toContain('Models run on TF.js');
      expect(await runtime.locator('.notice__title').textContent()).toBe('Training is off: the model worker cannot start');
      expect(await page.getByTestId('ml-worker-error').textContent()).toBe(`The worker’s error: ${health.worker.error}`);
      expect(await page.getByTestId('train-unavailable').textContent()).toBe('Training is unavailable: the model worker cannot start (see above).');
      expect(await page.getByTestId('train-form').getByRole('button', { name: 'Start training' }).isDisabled()).toBe(true);
      await screenshot(page, '23-models-degraded');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says statistics stand in when model loading is disabled, and that TF.js runs when it does', async () => {
    const safe = await startStation({ disableModelLoading: true }, { rendererDir });
    stations.push(safe);
    const page = await signedIn(safe);
    await openModels(page);
    const runtime = page.getByTestId('ml-runtime');
    await expect.poll(() => runtime.getAttribute('data-status')).toBe('fallback');
    expect(await runtime.getAttribute('class')).toContain('notice--warn');
    expect(await runtime.locator('.notice__title').textContent()).toBe('Model loading is disabled: statistical fallback in use');
    expect(await page.getByTestId('train-unavailable').textContent()).toBe('Training is unavailable while model loading is disabled.');

    const working = await startStation({}, { rendererDir });
    stations.push(working);
    const ok = await signedIn(working);
    await openModels(ok);
    const green = ok.getByTestId('ml-runtime');
    await expect.poll(() => green.getAttribute('data-status')).toBe('ok');
    await expect.poll(() => green.getAttribute('data-worker')).toBe('ready');
    expect(await green.getAttribute('class')).toContain('notice--ok');
    expect(await green.locator('.notice__title').textContent()).toMatch(/^Models run on TF\.js \((WebAssembly|plain JavaScript CPU)\)$/);
    expect(await ok.getByTestId('train-unavailable').count()).toBe(0);
  });

  /** A station with a kiln's readings, signed in, the Models tab's training form set to forecast its sensor. */
  async function forecastFormReady() {
    const s = await startStation({}, { rendererDir });
    stations.push(s);
    const readings = Array.from({ length: 2 * N }, (_, i) => reading(SENSOR, END - (2 * N - 1 - i) * 60_000, 300 + Math.sin(i / 7) * 5, { sensor_type: 'temperature', unit: 'C', asset_id: 'kiln-1' }));
    expect((await s.request('POST', '/api/v1/data/ingest', { body: readings })).status).toBe(200);
    const page = await signedIn(s);
    await openModels(page);
    const form = page.getByTestId('train-form');
    await form.getByLabel(/^Forecast/).check();
    await expect.poll(() => form.getByLabel('Sensor', { exact: true }).inputValue()).toBe(SENSOR);
    return { s, page, form };
  }

  it('says a full training queue with the wait the station asks for (429)', async () => {
    const { s, page, form } = await forecastFormReady();

    // Meanwhile this same session queues two long jobs (another tab of the console, a script): its share of the queue.
    const { csrf_token: csrf } = await (await page.request.get(`${s.url}/api/v1/auth/whoami`)).json();
    const jobs: string[] = [];
    for (let i = 0; i < 2; i++) {
      const r = await page.request.post(`${s.url}/api/v1/ml/train`, { headers: { 'X-CSRF-Token': csrf }, data: { kind: 'forecast', sensor_id: SENSOR, epochs: 500, seed: i } });
      expect(r.status(), await r.text()).toBe(202);
      jobs.push((await r.json()).job.id);
    }

    await form.getByRole('button', { name: 'Start training' }).click();
    const full = page.getByTestId('train-queue-full');
    await expect.poll(() => full.getAttribute('data-status')).toBe('429');
    expect(await full.getAttribute('data-retry-after')).toBe('30');
    expect(await full.locator(':scope > p').allTextContents()).toEqual([
      'You already have 2 training jobs waiting or running (at most 2). Wait for one to finish.',
      'Try again in 30 seconds.',
    ]);
    await page.locator('[data-lang="pt-BR"]').click();
    await expect
      .poll(() => full.locator(':scope > p').allTextContents())
      .toEqual(['Você já tem 2 treinos na fila ou em andamento (no máximo 2). Aguarde um terminar.', 'Tente de novo em 30 segundos.']);
    await screenshot(page, '24-models-queue-full');
    await page.locator('[data-lang="en"]').click();
    for (const id of jobs) expect((await page.request.post(`${s.url}/api/v1/ml/jobs/${id}/cancel`, { headers: { 'X-CSRF-Token': csrf } })).status()).toBe(200);
  });

  it('says a station-wide full training queue with its wait (503)', async () => {
    const { s, page, form } = await forecastFormReady();
    // Meanwhile four other callers (gateways, scripts) fill the whole queue, two jobs each.
    const jobs: string[] = [];
    for (let k = 0; k < 4; k++) {
      const key = await s.createKey(['operate', 'read']);
      for (let i = 0; i < 2; i++) {
        const r = await s.request('POST', '/api/v1/ml/train', { key, body: { kind: 'forecast', sensor_id: SENSOR, epochs: 500, seed: 10 * k + i } });
        expect(r.status, r.text).toBe(202);
        jobs.push(r.body.job.id);
      }
    }
    await form.getByRole('button', { name: 'Start training' }).click();
    const full = page.getByTestId('train-queue-full');
    await expect.poll(() => full.getAttribute('data-status')).toBe('503');
    const wait = await full.getAttribute('data-retry-after');
    expect(Number(wait)).toBeGreaterThan(0);
    expect(await full.locator(':scope > p').allTextContents()).toEqual([
      'The station already has 8 training jobs waiting or running (at most 8). Wait for one to finish.',
      `Try again in ${wait} seconds.`,
    ]);
    await page.locator('[data-lang="pt-BR"]').click();
    await expect
      .poll(() => full.locator(':scope > p').allTextContents())
      .toEqual(['A estação já tem 8 treinos na fila ou em andamento (no máximo 8). Aguarde um terminar.', `Tente de novo em ${wait} segundos.`]);
    await page.locator('[data-lang="en"]').click();
    for (const id of jobs) expect((await s.request('POST', `/api/v1/ml/jobs/${id}/cancel`, { body: {} })).status).toBe(200);
  });
});
