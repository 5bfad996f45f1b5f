import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { builtRendererDir, inkOf, launchChromium, openPage, screenshot, recordDialogs, signInWithKey } from '../helpers/browser';
import { cmapssCsv, DATASETS, waitForJob } from '../helpers/ml-data';
import { startStation, type TestStation } from '../helpers/station';

// The Models and Prediction tabs in real Chromium against a real station:
// real NAB sensor data as one asset's three sensors, an anomaly model
// trained through the UI in a worker thread (progress bar to completion),
// promoted to production with the inline confirmation, then a forecast
// (statistical fallback: no forecast model is trained) and anomaly
// detection with its per-sensor explanation.

const ZONE = 'America/Sao_Paulo';
const ASSET = 'press-1';
const ROWS = 2_500;
const MODEL = `anomaly.${ASSET}`;
/** Train on the first 1,800 rows (up to 2013-12-09 03:10 UTC); NAB's first labelled failure window opens on 2013-12-10. */
const TRAIN_ROWS = 1_800;

function nabRows(file: string, limit: number): { ts: string; value: number }[] {
  const lines = readFileSync(join(DATASETS, 'nab', file), 'utf8').split(/\r?\n/).slice(1).filter(Boolean);
  return lines.slice(0, limit).map((l) => {
    const [ts, value] = l.split(',');
    return { ts: `${ts!.replace(' ', 'T')}Z`, value: Number(value) };
  });
}

/** The machine's temperature, the room's temperature and the host's CPU load, on the machine's 5-minute clock. */
function seedSensors() {
  const machine = nabRows('machine_temperature_system_failure.csv', ROWS);
  // The other two NAB series are re-timed onto the machine's time stamps: one asset, aligned readings.
  const ambient = nabRows('ambient_temperature_system_failure.csv', ROWS);
  const load = nabRows('cpu_utilization_asg_misconfiguration.csv', ROWS);
  return {
    machine,
    sensors: [
      { id: `${ASSET}.temp`, type: 'temperature', unit: 'F', values: machine.map((r) => r.value) },
      { id: `${ASSET}.ambient`, type: 'temperature', unit: 'F', values: ambient.map((r) => r.value) },
      { id: `${ASSET}.load`, type: 'load', unit: '%', values: load.map((r) => r.value) },
    ],
  };
}

describe('Models and Prediction tabs (Chromium)', () => {
  let s: TestStation;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let lastTemp: number;
  let trainTo: string;
  let firstTs: string;
  const pageErrors: string[] = [];
  const dialogs: string[] = [];

  beforeAll(async () => {
    const rendererDir = builtRendererDir();
    browser = await launchChromium();
    s = await startStation({}, { rendererDir });
    const { machine, sensors } = seedSensors();
    for (const sensor of sensors) {
      const csv = ['sensor_id,timestamp,value', ...sensor.values.map((v, i) => `${sensor.id},${machine[i]!.ts},${v}`)].join('\n');
      const res = await s.request('POST', `/api/v1/data/import?asset_id=${ASSET}&sensor_type=${sensor.type}&unit=${encodeURIComponent(sensor.unit)}`, {
        rawBody: csv,
        headers: { 'content-type': 'text/csv' },
      });
      expect(res.status, res.text).toBe(200);
      expect(res.body.stored).toBe(ROWS);
    }
    lastTemp = sensors[0]!.values[ROWS - 1]!;
    trainTo = machine[TRAIN_ROWS - 1]!.ts;
    firstTs = machine[0]!.ts;

    ({ context, page } = await openPage(browser, pageErrors, { timezoneId: ZONE }));
    // No surprise dialogs: every confirmation is inline.
    recordDialogs(page, dialogs);
    await signInWithKey(page, s.url, s.adminKey);
    await page.getByRole('tab', { name: /Prediction/ }).waitFor();
  }, 120_000);

  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
    expect(dialogs.splice(0)).toEqual([]);
  });

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await browser?.close();
    await s?.stop();
  });

  it('trains an anomaly model with a live progress bar, shows the new version and promotes it to production', async () => {
    expect(await page.getByRole('tab').allTextContents()).toEqual(['Data ExplorerAlt+1', 'IngestAlt+2', 'ModelsAlt+3', 'PredictionAlt+4']);
    await page.keyboard.press('Alt+3');
    await expect.poll(() => page.getByRole('tab', { name: /Models/ }).getAttribute('aria-selected')).toBe('true');
    const runtime = page.getByTestId('ml-runtime');
    await expect.poll(() => runtime.getAttribute('data-status')).toBe('ok');
    expect(await runtime.textContent()).toMatch(/Models run on TF\.js \((WebAssembly|plain JavaScript CPU)\)/);
    expect(await page.getByTestId('models-empty').textContent()).toContain('No models yet');

    const form = page.getByTestId('train-form');
    expect(await form.getByLabel(/Anomaly/).isChecked()).toBe(true);
    await form.getByLabel('Asset', { exact: true }).selectOption(ASSET);
    await form.getByText('Advanced settings').click();
    await form.getByLabel('Train on readings until').fill(localWallTime(trainTo));
    await form.getByLabel('Epochs', { exact: true }).fill('6');
    await form.getByLabel('Seed', { exact: true }).fill('7');
    // The drift baseline is checked before anything is sent, then left off.
    const drift = form.getByLabel('Follow slow drift (readings)');
    await drift.fill('1.5');
    await form.getByRole('button', { name: 'Start training' }).click();
    await form.getByText('Enter a whole number of readings, or leave it empty.').waitFor();
    await drift.fill('');
    await form.getByRole('button', { name: 'Start training' }).click();

    // Follow the bar as the operator would: its value only grows, and it ends full.
    const bar = page.getByRole('progressbar', { name: `Training progress of ${MODEL}` });
    const job = page.getByTestId('training-job');
    const seen: number[] = [];
    let shotWhileRunning = false;
    await expect
      .poll(
        async () => {
          // The state first: once it reads succeeded, the value read after it is the final one.
          const state = await job.getAttribute('data-state');
          const now = Number(await bar.getAttribute('aria-valuenow'));
          if (seen[seen.length - 1] !== now) seen.push(now);
          if (state === 'running' && !shotWhileRunning) {
            shotWhileRunning = true;
            await screenshot(page, '08-models-training');
          }
          return state;
        },
        { timeout: 150_000, interval: 200 },
      )
      .toBe('succeeded');
    expect(await job.getByTestId('training-done').textContent()).toContain(`Version 1 of ${MODEL} is registered in staging`);
    expect(await bar.getAttribute('aria-valuenow')).toBe('100');
    // Full, and never claiming an epoch other than the last one.
    expect(await bar.getAttribute('aria-valuetext')).toMatch(/^(Epoch 6 of 6 · loss [\d.]+ · )?100 %( · .+)?$/);
    expect(seen.every((v, i) => i === 0 || v >= seen[i - 1]!)).toBe(true);
    expect(seen[seen.length - 1]).toBe(100);

    // The registry shows the model, marked new, with its staging version and metric.
    const row = page.locator(`[data-testid=models-table] tr[data-model="${MODEL}"]`);
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.getAttribute('class')).toContain('models-row--new');
    expect(await row.locator('[data-col=staging]').textContent()).toBe('v1');
    expect(await row.locator('[data-col=production]').textContent()).toBe('—');
    expect(await row.locator('[data-col=metric]').textContent()).toMatch(/^[\d.]+val_recon_error$/);
    // Every column is in view on a 1366-pixel screen: the table does not scroll sideways.
    const wrap = page.getByTestId('models-table').locator('xpath=..');
    expect(await wrap.evaluate((el: any) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
    const versions = page.getByTestId('versions-table');
    const v1 = versions.locator('tr[data-version="1"]');
    await expect.poll(() => v1.getAttribute('data-stage')).toBe('staging');
    expect(await v1.textContent()).toContain('New');
    // The training window, in the operator's zone (São Paulo kept summer time, UTC-2, in December 2013).
    expect(await v1.textContent()).toContain(`${localDisplay(firstTs)} – ${localDisplay(trainTo)}`);
    expect(localDisplay(firstTs)).toBe('12/02/2013, 19:15:00');

    // Promote: the inline confirmation takes the focus, Enter confirms.
    await v1.getByRole('button', { name: 'Promote version 1 to production' }).click();
    const confirm = page.getByTestId('stage-confirm');
    expect(await confirm.textContent()).toContain(`Promote version 1 of ${MODEL} to production?`);
    await expect.poll(() => page.evaluate(() => (globalThis as any).document.activeElement?.textContent)).toBe('Promote to production');
    await page.keyboard.press('Enter');
    await expect.poll(() => v1.getAttribute('data-stage')).toBe('production');
    expect(await page.getByTestId('stage-done').textContent()).toBe(`Version 1 of ${MODEL} is now in Production.`);
    await expect.poll(() => row.locator('[data-col=production]').textContent()).toBe('v1');
    expect(await confirm.count()).toBe(0);
    const stored = await s.request('GET', `/api/v1/ml/models/${MODEL}/versions`);
    expect(stored.body.versions.map((v: { model_version: number; stage: string }) => [v.model_version, v.stage])).toEqual([[1, 'production']]);

    // Escape cancels a confirmation without calling the station.
    await v1.getByRole('button', { name: 'Archive version 1' }).click();
    await expect.poll(() => confirm.count()).toBe(1);
    await page.keyboard.press('Escape');
    await expect.poll(() => confirm.count()).toBe(0);
    expect(await v1.getAttribute('data-stage')).toBe('production');
    // The best model for its sensor type, and why, from the count the station gives.
    await page.reload();
    await expect.poll(() => page.getByTestId('rec-best').textContent()).toContain('The only version that is not archived with a val_recon_error');
    await screenshot(page, '09-models');
  }, 240_000);

  it('forecasts a sensor with the statistical fallback, its interval and time to threshold', async () => {
    await page.keyboard.press('Alt+4');
    await expect.poll(() => page.getByRole('tab', { name: /Prediction/ }).getAttribute('aria-selected')).toBe('true');
    const form = page.getByTestId('forecast-form');
    await form.getByLabel('Sensor', { exact: true }).selectOption(`${ASSET}.temp`);
    await form.getByLabel('Threshold', { exact: true }).fill('1000');
    await form.getByRole('button', { name: 'Run forecast' }).click();

    const result = page.getByTestId('forecast-result');
    await expect.poll(() => result.getAttribute('data-sensor')).toBe(`${ASSET}.temp`);
    const model = page.getByTestId('forecast-model');
    expect(await model.getAttribute('data-fallback')).toBe('true');
    expect(await page.getByTestId('fallback-badge').textContent()).toBe('Statistical fallback');
    expect(await model.textContent()).toContain('no forecast model');
    // Said from the station's code; its own words only behind "Technical details".
    const reason = page.getByTestId('fallback-reason');
    expect(await reason.getAttribute('data-code')).toBe('no_model');
    expect(await reason.innerText()).toMatch(/^No model has been trained for this yet, so a statistical method stood in\./);
    expect(await page.getByTestId('threshold-result').getAttribute('data-state')).toBe('not-within');
    expect(await page.getByTestId('threshold-result').textContent()).toContain('The forecast does not rise above 1,000 F before');

    const legend = await page.getByTestId('forecast-legend').locator('li').allTextContents();
    expect(legend).toEqual(expect.arrayContaining(['History', 'Forecast', 'Threshold (1,000 F)']));
    expect(legend.some((l) => /^\d+% prediction interval$/.test(l))).toBe(true);
    const chart = page.getByTestId('forecast-chart');
    expect(Number(await chart.getAttribute('data-points'))).toBeGreaterThan(0);
    await expect.poll(() => inkedPixels(chart.locator('canvas'))).toBeGreaterThan(1000);
    // The lines themselves, from the ISO times of the history and the forecast: history blue, forecast orange.
    await expect.poll(() => inkOf(chart.locator('canvas'), [10, 77, 162])).toBeGreaterThan(200);
    expect(await inkOf(chart.locator('canvas'), [179, 71, 0])).toBeGreaterThan(50);

    // A threshold the machine is already above, typed with a decimal comma.
    await form.getByLabel('Threshold', { exact: true }).fill('10,5');
    await form.getByRole('button', { name: 'Run forecast' }).click();
    await expect.poll(() => page.getByTestId('threshold-result').getAttribute('data-state')).toBe('already');
    const already = /The latest reading \(([\d.,]+) F\) is already above 10\.5 F\./.exec((await page.getByTestId('threshold-result').textContent()) ?? '');
    expect(already).not.toBeNull();
    expect(Number(already![1]!.replace(/,/g, ''))).toBeCloseTo(lastTemp, 1);
  }, 60_000);

  it('detects anomalies with the production model and names the sensors behind each', async () => {
    // A model of several sensors alarms 1.5 x above its reference maximum after 72 readings
    // (CALIBRATION_SEVERAL); on this asset, where two of the three sensors are unrelated to the
    // machine's, that holds back the temperature's failure. The asset's policy restores the
    // one-sensor calibration's bar and delays (CALIBRATION), as an operator of this press would.
    const policy = await s.request('PUT', `/api/v1/ml/policies/${ASSET}`, { body: { threshold_factor: 1 / 1.5, enter_steps: 36, immediate_ratio: 1.5, exit_steps: 24, exit_ratio: 0.9 } });
    expect(policy.status, policy.text).toBe(200);
    const form = page.getByTestId('detect-form');
    await form.getByLabel('Asset', { exact: true }).selectOption(ASSET);
    await form.getByRole('button', { name: 'Detect anomalies' }).click();
    const result = page.getByTestId('detect-result');
    await expect.poll(() => result.getAttribute('data-asset'), { timeout: 60_000 }).toBe(ASSET);
    const model = page.getByTestId('detect-model');
    expect(await model.getAttribute('data-fallback')).toBe('false');
    expect(await model.getAttribute('data-method')).toBe('autoencoder');
    expect(await model.textContent()).toContain(`${MODEL} v1`);
    expect(await page.getByTestId('fallback-badge').count()).toBe(1); // the forecast's, not this one
    // The policy's revision and factor are said next to the model, so the operator sees whose threshold decided.
    const applied = page.getByTestId('detect-policy');
    expect(await applied.getAttribute('data-revision')).toBe(String(policy.body.policy.revision));
    expect(await applied.textContent()).toMatch(/Alarm policy revision \d+ applied: threshold × 0\.6667/);
    expect(await page.getByTestId('detect-seasonal').count()).toBe(0);

    const count = Number(await result.getAttribute('data-count'));
    expect(count).toBeGreaterThan(0);
    const items = page.getByTestId('anomaly-item');
    expect(await items.count()).toBe(Math.min(count, 10));
    const sensorIds = [`${ASSET}.temp`, `${ASSET}.ambient`, `${ASSET}.load`];
    for (const item of await items.all()) {
      const contributions = item.getByTestId('anomaly-contributions').locator('li[data-sensor]');
      const shares = await contributions.evaluateAll((lis) => lis.map((li) => Number(li.getAttribute('data-share'))));
      expect(shares.length).toBeGreaterThan(0);
      expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 2);
      expect([...shares].sort((a, b) => b - a)).toEqual(shares);
      for (const sensor of await contributions.evaluateAll((lis) => lis.map((li) => li.getAttribute('data-sensor')))) expect(sensorIds).toContain(sensor);
      expect(await contributions.first().textContent()).toMatch(/\d+(\.\d)?%$/);
      expect(await item.textContent()).toMatch(/Peak score [\d.]+ at \d\d\/\d\d\/2013/);
    }
    await expect.poll(() => inkedPixels(page.getByTestId('score-chart').locator('canvas'))).toBeGreaterThan(500);
    // The score line, placed by the scores' ISO times.
    expect(await inkOf(page.getByTestId('score-chart').locator('canvas'), [10, 77, 162])).toBeGreaterThan(200);

    // "Above the threshold" marks follow the score; the reported periods are shaded apart. The API's
    // per-point `anomaly` flag says a point lies in a period, which is not the same as above the threshold.
    const api = await s.request('POST', '/api/v1/ml/detect-anomaly', { body: { asset_id: ASSET, scores: 1200 } });
    expect(api.status, api.text).toBe(200);
    const points: { t: string; score: number; above_threshold: boolean; anomaly: boolean }[] = api.body.scores;
    expect(points.filter((p) => p.above_threshold).length).toBe(points.filter((p) => p.score > api.body.threshold).length);
    expect(points.every((p) => typeof p.t === 'string' && Number.isFinite(Date.parse(p.t)))).toBe(true);
    const chart = page.getByTestId('score-chart');
    expect(Number(await chart.getAttribute('data-points'))).toBe(points.length);
    expect(Number(await chart.getAttribute('data-above'))).toBe(points.filter((p) => p.score > api.body.threshold).length);
    expect(Number(await chart.getAttribute('data-periods'))).toBe(api.body.anomalies.length);
    expect(await page.getByTestId('score-legend').locator('li').allTextContents()).toEqual(['Anomaly score', 'Threshold', 'Score above the threshold', 'Anomaly period (alarm on)']);

    // Drift of the machine temperature over the last hour against the hour before.
    const drift = page.getByTestId('drift-form');
    await drift.getByLabel('Sensor', { exact: true }).selectOption(`${ASSET}.temp`);
    await drift.getByRole('button', { name: 'Check drift' }).click();
    await expect.poll(() => page.getByTestId('drift-result').getAttribute('data-verdict')).toMatch(/^(drift|stable|insufficient)$/);
    // Tiny p-values read in scientific notation, not as a row of zeros.
    expect(await page.locator('[data-testid=drift-result] tr[data-measure=p] td').first().textContent()).toMatch(/^(—|\d[\d.,]*(E-?\d+)?)$/);
    // No RUL model was trained: the panel says where to get one.
    expect(await page.getByTestId('rul-no-models').textContent()).toContain('Train one in the Models tab');
    await screenshot(page, '10-prediction');
  }, 120_000);
  it('still shows a failed training job, with its error, after a reload', async () => {
    // The right columns but two rows: the station accepts the request and the worker refuses the data.
    const res = await s.request('POST', '/api/v1/ml/train', { body: { kind: 'rul', csv: 'unit,cycle,s1\n1,1,5\n1,2,6\n', asset_col: 'unit', time_col: 'cycle', dataset: 'tiny' } });
    expect(res.status, res.text).toBe(202);
    const { job } = await waitForJob(s, res.body.job.id);
    expect(job.state).toBe('failed');
    expect(job.error.message.length).toBeGreaterThan(0);

    await page.reload();
    await page.getByRole('tab', { name: /Models/ }).waitFor();
    await page.keyboard.press('Alt+3');
    const failed = page.locator(`[data-testid=recent-job][data-job="${job.id}"]`);
    await expect.poll(() => failed.getAttribute('data-state')).toBe('failed');
    expect(await failed.textContent()).toContain('rul.tiny');
    // Said by its code in the operator's words; the station's own account is one click away.
    const error = failed.getByTestId('recent-job-error');
    expect(await error.getAttribute('data-code')).toBe(job.error.code);
    expect(await error.locator('.notice__title').textContent()).toBe('Training failed');
    expect(await error.locator('p').first().textContent()).toBe(job.error.code === 'validation_failed' ? 'The data was not suitable for training this model.' : 'Training stopped on an error in the station.');
    expect(await error.getByTestId('technical-details').isVisible()).toBe(true);
    expect(await error.getByText(job.error.message).isVisible()).toBe(false);
    await error.getByText('Technical details').click();
    expect(await error.getByText(job.error.message).isVisible()).toBe(true);
    // Every state, not just running ones: the anomaly model's job from the first test is there too.
    const all = await s.request('GET', '/api/v1/ml/jobs');
    const listed = await page.getByTestId('recent-job').evaluateAll((els) => els.map((e) => [e.getAttribute('data-job'), e.getAttribute('data-state')]));
    expect(listed).toEqual(all.body.jobs.map((j: { id: string; state: string }) => [j.id, j.state]));
    expect(listed.map(([, state]) => state)).toEqual(['failed', 'succeeded']);
    await screenshot(page, '15-models-recent-jobs');
  }, 60_000);

  it('after a reload, follows no job another key started, and says whose it is', async () => {
    const other = await s.createKey(['operate', 'read']);
    // Long enough to be running when the page loads again.
    const res = await s.request('POST', '/api/v1/ml/train', { key: other, body: { kind: 'rul', csv: cmapssCsv((u) => u <= 3), asset_col: 'unit', time_col: 'cycle', epochs: 200, dataset: 'theirs' } });
    expect(res.status, res.text).toBe(202);
    await page.reload();
    await page.getByRole('tab', { name: /Models/ }).waitFor();
    await page.keyboard.press('Alt+3');
    const theirs = page.locator(`[data-testid=recent-job][data-job="${res.body.job.id}"]`);
    await expect.poll(() => theirs.count()).toBe(1);
    expect(await theirs.getByTestId('recent-job-other').textContent()).toBe('started by another key or session');
    expect(await theirs.getAttribute('data-state')).toMatch(/^(queued|running)$/);
    // Listed, never taken over by this console's progress card.
    expect(await page.getByTestId('training-progress').count()).toBe(0);
    await s.request('POST', `/api/v1/ml/jobs/${res.body.job.id}/cancel`, { key: other, body: {} });
    await waitForJob(s, res.body.job.id);
  }, 60_000);
});


/** ISO UTC → the `datetime-local` value an operator in São Paulo types. */
function localWallTime(iso: string): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
    .format(Date.parse(iso))
    .replace(' ', 'T');
}

/** ISO UTC → how the console shows it in São Paulo (renderer/format/time.ts's format). */
function localDisplay(iso: string): string {
  return new Intl.DateTimeFormat('en', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(Date.parse(iso));
}

/** Pixels with any ink on a canvas: the chart was drawn, not just mounted. */
function inkedPixels(canvas: ReturnType<Page['locator']>): Promise<number> {
  return canvas.evaluate((c: any) => {
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    let inked = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) inked++;
    return inked;
  });
}
