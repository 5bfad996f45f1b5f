import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, openPage, screenshot } from '../helpers/browser';
import { AI4I_SENSORS, ai4iRows, DATASETS, T0 } from '../helpers/ml-data';
import { ROOT } from '../helpers/station';

// The built console and station exactly as a user starts them —
// `node bin/smc.js serve --port 0 --data-dir <dir>`, then the sign-in link
// it prints — in Chromium: an anomaly model and a forecast model trained to
// completion from the Models tab (the bundle finds its model worker), both
// in the registry, both answering on the Prediction tab without the
// statistical fallback. And a station killed during a training job shows
// that job as interrupted when it is started again.

const ZONE = 'America/Sao_Paulo';
const KEY = 'serve-test-admin-key-0123456789abcdef';
const ASSET = 'mill-1';
const TAXI = 'city.taxi-demand';
const MINUTE = 60_000;

interface Served {
  child: ChildProcess;
  url: string;
  link: string;
  output(): string;
}

/** `node bin/smc.js serve …` as a user types it; resolves once it has printed its address and sign-in link. */
function serve(dataDir: string): Promise<Served> {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'smc.js'), 'serve', '--port', '0', '--data-dir', dataDir], {
    cwd: ROOT,
    env: { ...process.env, SMC_LOG_LEVEL: 'warn', SMC_BOOTSTRAP_KEY: KEY },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`smc serve printed no sign-in link within 60 s:\n${out}`)), 60_000);
    const onData = () => {
      const url = /listening on (\S+)/.exec(out)?.[1];
      const link = /sign in to the web console: (\S+)/.exec(out)?.[1];
      if (url && link) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve({ child, url, link, output: () => out });
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`smc serve exited with ${code} before listening:\n${out}`));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}

async function api(url: string, method: string, path: string, body?: string | object, contentType = 'application/json'): Promise<any> {
  const res = await fetch(url + path, {
    method,
    headers: { 'x-api-key': KEY, ...(body !== undefined ? { 'content-type': contentType } : {}) },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** A machine's four sensors from the AI4I 2020 data, one row a minute, and a sensor with a clear daily cycle (NYC taxi demand, every 30 minutes). */
async function loadSampleData(url: string): Promise<void> {
  const rows = ai4iRows(1500);
  for (const sensor of AI4I_SENSORS) {
    const csv = ['sensor_id,timestamp,value', ...rows.map((r, i) => `${ASSET}.${sensor.id},${T0 + i * MINUTE},${sensor.pick(r)}`)].join('\n');
    const res = await api(url, 'POST', `/api/v1/data/import?asset_id=${ASSET}&sensor_type=${sensor.type}&unit=${encodeURIComponent(sensor.unit)}`, csv, 'text/csv');
    expect(res.stored).toBe(rows.length);
  }
  const taxi = readFileSync(join(DATASETS, 'nab', 'nyc_taxi.csv'), 'utf8').split(/\r?\n/).slice(1).filter(Boolean).slice(0, 1500);
  const csv = ['sensor_id,timestamp,value', ...taxi.map((l) => `${TAXI},${l.split(',')[0]!.replace(' ', 'T')}Z,${l.split(',')[1]}`)].join('\n');
  expect((await api(url, 'POST', '/api/v1/data/import?asset_id=city&sensor_type=demand&unit=rides', csv, 'text/csv')).stored).toBe(1500);
}

describe('the station as a user starts it, in Chromium (smc serve)', () => {
  let browser: Browser;
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  async function open(link: string, locale = 'en-US'): Promise<Page> {
    const { context, page } = await openPage(browser, pageErrors, { timezoneId: ZONE, locale });
    contexts.push(context);
    await page.goto(link);
    await page.getByRole('tab').first().waitFor();
    return page;
  }

  const dataDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'smc-serve-e2e-'));
    dirs.push(d);
    return d;
  };

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    for (const c of children) {
      c.kill('SIGTERM');
      await exited(c);
    }
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('trains an anomaly and a forecast model from the Models tab and uses both on the Prediction tab, no fallback', async () => {
    const station = await serve(dataDir());
    children.push(station.child);
    await loadSampleData(station.url);
    const page = await open(station.link);
    expect(new URL(page.url()).searchParams.has('token')).toBe(false);

    await page.keyboard.press('Alt+3');
    const runtime = page.getByTestId('ml-runtime');
    await expect.poll(() => runtime.getAttribute('data-worker'), { timeout: 30_000 }).toBe('ready');
    expect(await runtime.getAttribute('data-status')).toBe('ok');

    const form = page.getByTestId('train-form');
    const job = page.getByTestId('training-job');
    const train = async (kind: RegExp, target: { label: string; value: string }, model: string, epochs: string) => {
      await form.getByLabel(kind).check();
      await form.getByLabel(target.label, { exact: true }).selectOption(target.value);
      const epochsField = form.getByLabel('Epochs', { exact: true });
      if (!(await epochsField.isVisible())) await form.getByText('Advanced settings').click();
      await epochsField.fill(epochs);
      await form.getByRole('button', { name: 'Start training' }).click();
      await expect.poll(() => job.locator('h3').textContent()).toBe(`Training ${model}`);
      await expect.poll(() => job.getAttribute('data-state'), { timeout: 120_000, interval: 250 }).toMatch(/^(succeeded|failed|cancelled)$/);
      expect(await job.getAttribute('data-state'), await job.textContent() ?? '').toBe('succeeded');
      expect(await job.getByTestId('training-done').textContent()).toContain(`Version 1 of ${model} is registered in staging`);
    };
    await train(/^Anomaly/, { label: 'Asset', value: ASSET }, `anomaly.${ASSET}`, '4');
    await train(/^Forecast/, { label: 'Sensor', value: TAXI }, `forecast.${TAXI}`, '8');

    const registry = page.locator('[data-testid=models-table] tbody tr');
    await expect.poll(() => registry.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-model')).sort())).toEqual([`anomaly.${ASSET}`, `forecast.${TAXI}`]);
    const listed = await api(station.url, 'GET', '/api/v1/ml/models');
    expect(listed.models.map((m: { model_name: string; staging_version: number }) => [m.model_name, m.staging_version]).sort()).toEqual([[`anomaly.${ASSET}`, 1], [`forecast.${TAXI}`, 1]]);
    await screenshot(page, '28-serve-models');

    await page.keyboard.press('Alt+4');
    const forecast = page.getByTestId('forecast-form');
    await forecast.getByLabel('Sensor', { exact: true }).selectOption(TAXI);
    await forecast.getByRole('button', { name: 'Run forecast' }).click();
    const forecastModel = page.getByTestId('forecast-model');
    await expect.poll(() => forecastModel.getAttribute('data-fallback'), { timeout: 30_000 }).toBe('false');
    expect(await forecastModel.getAttribute('data-method')).toBe('mlp');
    expect(await forecastModel.textContent()).toContain(`forecast.${TAXI} v1`);

    const detect = page.getByTestId('detect-form');
    await detect.getByLabel('Asset', { exact: true }).selectOption(ASSET);
    await detect.getByRole('button', { name: 'Detect anomalies' }).click();
    const detectModel = page.getByTestId('detect-model');
    await expect.poll(() => detectModel.getAttribute('data-fallback'), { timeout: 60_000 }).toBe('false');
    expect(await detectModel.getAttribute('data-method')).toBe('autoencoder');
    expect(await detectModel.textContent()).toContain(`anomaly.${ASSET} v1`);
    // Neither answer fell back to statistics.
    expect(await page.getByTestId('fallback-badge').count()).toBe(0);
    await screenshot(page, '29-serve-prediction');
  }, 300_000);

  it('shows a job the station was killed during as interrupted once it is started again, in Portuguese too', async () => {
    const dir = dataDir();
    const first = await serve(dir);
    children.push(first.child);
    await loadSampleData(first.url);
    const { job } = await api(first.url, 'POST', '/api/v1/ml/train', { kind: 'forecast', sensor_id: TAXI, epochs: 500, seed: 1 });
    await expect.poll(async () => (await api(first.url, 'GET', `/api/v1/ml/jobs/${job.id}`)).state, { timeout: 30_000 }).toBe('running');
    // Power cut: no chance to finish or cancel the job.
    first.child.kill('SIGKILL');
    await exited(first.child);

    const again = await serve(dir);
    children.push(again.child);
    expect((await api(again.url, 'GET', `/api/v1/ml/jobs/${job.id}`)).state).toBe('interrupted');
    const page = await open(again.link, 'pt-BR');
    await page.keyboard.press('Alt+3');
    const item = page.locator(`[data-testid=recent-job][data-job="${job.id}"]`);
    await expect.poll(() => item.getAttribute('data-state')).toBe('interrupted');
    expect(await item.locator('.models-badge').textContent()).toBe('Interrompido');
    const why = item.getByTestId('recent-job-error');
    expect(await why.locator(':scope > p').textContent()).toBe('A estação parou antes de este trabalho terminar; nada foi registrado. Inicie-o de novo.');
    expect(await item.evaluate((el: any) => el.innerText as string)).not.toMatch(/\b(station|stopped|before|finished|again)\b/i);
    // Nothing is followed as if it were still running.
    expect(await page.getByTestId('training-job').count()).toBe(0);
    await screenshot(page, '30-serve-interrupted-pt');
  }, 180_000);
});
