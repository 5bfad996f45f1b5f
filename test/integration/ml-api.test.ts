import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStation, tempDir, type TestStation } from '../helpers/station';
import { AI4I_SENSORS, T0, ai4iRows, cmapssCsv, importAi4iAsset, waitForJob } from '../helpers/ml-data';

// The model API over real HTTP on a real station: training in worker
// threads on real data (AI4I process data as one asset's four sensors,
// C-MAPSS FD001 run-to-failure histories), the registry's stages, detection
// with per-sensor explanations, forecasts, drift, RUL, and the statistical
// fallback when model loading is disabled.

const MINUTE = 60_000;
const ROWS = 3_000;
let s: TestStation;
let dir: string;

beforeAll(async () => {
  dir = tempDir('smc-ml-api-');
  s = await startStation({}, { dir });
  await importAi4iAsset(s, 'mill-1', ROWS);
}, 120_000);

afterAll(async () => {
  await s?.stop();
});

async function trainAnomaly(extra: Record<string, unknown> = {}) {
  const res = await s.request('POST', '/api/v1/ml/train', { body: { kind: 'anomaly', asset_id: 'mill-1', to: T0 + 2000 * MINUTE, window: 16, epochs: 4, seed: 7, ...extra } });
  expect(res.status, res.text).toBe(202);
  return waitForJob(s, res.body.job.id);
}

/** True when `seen` follows the order of `order` (each step at most once, none out of place). */
function inOrder(seen: string[], order: string[]): boolean {
  const at = seen.map((x) => order.indexOf(x));
  return at.every((i, k) => i >= 0 && (k === 0 || i > at[k - 1]!));
}

describe('anomaly models through the API', () => {
  it('trains in a worker with progress, registers a staging version, and detects with per-sensor contributions', async () => {
    const health = await s.request('GET', '/api/v1/ml/health');
    expect(health.body).toMatchObject({ status: 'ok', model_loading: 'enabled' });

    const { job, progressSeen, stepsSeen } = await trainAnomaly();
    expect(job.state, JSON.stringify(job.error)).toBe('succeeded');
    expect(job.model_version).toBe(1);
    expect(job.progress).toBe(1);
    // The step as a code, in order (polling may miss some, never reorder them).
    expect(job.step).toBe('done');
    expect(inOrder(stepsSeen, ['preparing', 'training', 'calibrating', 'done'])).toBe(true);
    expect(progressSeen.some((p) => p > 0 && p < 1) || progressSeen.length === 1).toBe(true);

    const list = await s.request('GET', '/api/v1/ml/models?kind=anomaly');
    expect(list.body.models).toHaveLength(1);
    expect(list.body.models[0]).toMatchObject({ model_name: 'anomaly.mill-1', kind: 'anomaly', target: 'mill-1', latest_version: 1, staging_version: 1, production_version: null });
    const versions = await s.request('GET', '/api/v1/ml/models/anomaly.mill-1/versions');
    const v1 = versions.body.versions[0];
    expect(v1).toMatchObject({ model_version: 1, stage: 'staging', seed: 7, trained_from: new Date(T0).toISOString(), trained_to: new Date(T0 + 2000 * MINUTE).toISOString() });
    expect(v1.metrics.val_recon_error).toBeGreaterThan(0);
    expect(['wasm', 'cpu']).toContain(v1.backend);
    expect(v1.size_bytes).toBeGreaterThan(1000);

    const det = await s.request('POST', '/api/v1/ml/detect_anomaly', { body: { asset_id: 'mill-1', scores: 300 } });
    expect(det.status, det.text).toBe(200);
    expect(det.body.model_info).toMatchObject({ model_name: 'anomaly.mill-1', model_version: 1, method: 'autoencoder', fallback: false, fallback_code: null });
    expect(det.body.seasonal_profile).toBeNull();
    expect(det.body.sensors).toEqual(AI4I_SENSORS.map((x) => x.id).sort());
    expect(det.body.total_readings_analyzed).toBe(ROWS * 4);
    expect(det.body.scores.length).toBeGreaterThan(100);
    expect(det.body.scores.length).toBeLessThanOrEqual(300);
    expect(det.body.anomaly_count).toBe(det.body.anomalies.length);
    for (const a of det.body.anomalies) {
      expect(Date.parse(a.end)).toBeGreaterThanOrEqual(Date.parse(a.start));
      const shares = a.contributions.map((c: { share: number }) => c.share);
      expect(shares.reduce((x: number, y: number) => x + y, 0)).toBeCloseTo(1, 3);
      expect([...shares].sort((x, y) => y - x)).toEqual(shares);
    }
  }, 180_000);

  it('promotes, resolves auto, archives the previous production version and rolls back', async () => {
    const second = await trainAnomaly({ seed: 8 });
    expect(second.job.model_version).toBe(2);
    const latest = await s.request('GET', '/api/v1/ml/models/anomaly.mill-1/latest');
    expect(latest.body).toMatchObject({ model_version: 2, stage: 'staging' }); // no production yet: staging, newest first

    const p1 = await s.request('POST', '/api/v1/ml/models/anomaly.mill-1/versions/1/promote', { body: { stage: 'production' } });
    expect(p1.status, p1.text).toBe(200);
    expect((await s.request('GET', '/api/v1/ml/models/anomaly.mill-1/latest')).body.model_version).toBe(1);
    expect((await s.request('GET', '/api/v1/ml/models/anomaly.mill-1/latest?model_version=latest')).body.model_version).toBe(2);

    await s.request('POST', '/api/v1/ml/models/anomaly.mill-1/versions/2/promote', { body: { stage: 'production' } });
    let versions = (await s.request('GET', '/api/v1/ml/models/anomaly.mill-1/versions')).body.versions;
    expect(versions.map((v: { model_version: number; stage: string }) => [v.model_version, v.stage])).toEqual([[2, 'production'], [1, 'archived']]);

    const rb = await s.request('POST', '/api/v1/ml/models/anomaly.mill-1/rollback', { body: {} });
    expect(rb.status, rb.text).toBe(200);
    expect(rb.body).toMatchObject({ model_version: 1, stage: 'production' });
    versions = (await s.request('GET', '/api/v1/ml/models/anomaly.mill-1/versions')).body.versions;
    expect(versions.map((v: { model_version: number; stage: string }) => [v.model_version, v.stage])).toEqual([[2, 'archived'], [1, 'production']]);

    const det = await s.request('POST', '/api/v1/ml/detect_anomaly', { body: { asset_id: 'mill-1' } });
    expect(det.body.model_info.model_version).toBe(1);

    const missing = await s.request('POST', '/api/v1/ml/models/anomaly.mill-1/versions/9/promote', { body: { stage: 'production' } });
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toContain('9');
    const audit = await s.request('GET', '/api/v1/admin/audit');
    expect(audit.body.entries.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['ml.models.promote', 'ml.models.rollback']));
  }, 180_000);

  it('scores each ingested reading online against the production model and records an alarm onset', async () => {
    const data = ai4iRows(ROWS + 200).slice(ROWS);
    const send = async (from: number, to: number, torque?: number) => {
      const readings = [];
      for (let i = from; i < to; i++) {
        for (const sensor of AI4I_SENSORS) {
          const value = torque !== undefined && sensor.id === 'mill-torque' ? torque : sensor.pick(data[i]!);
          readings.push({ sensor_id: sensor.id, timestamp: T0 + (ROWS + i) * MINUTE, value });
        }
      }
      const res = await s.request('POST', '/api/v1/data/ingest', { body: { readings } });
      expect(res.status, res.text).toBeLessThan(300);
    };
    const onsets = async () => (await s.request('GET', '/api/v1/events?types=anomaly.onset,anomaly.cleared')).body.events;
    await send(0, 100);
    await s.station.backbone.dispatcher.drained();
    expect(await onsets()).toEqual([]);
    const state = s.station.db.prepare("SELECT state FROM online_scoring_state WHERE asset_id = 'mill-1'").pluck().get() as string;
    expect(JSON.parse(state)).toMatchObject({ latest: expect.any(Array), scorer: { filled: 16 } });

    await send(100, 160, 400); // a torque far outside anything seen in training
    await s.station.backbone.dispatcher.drained();
    const events = await onsets();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'anomaly.onset', payload: { asset_id: 'mill-1', model_name: 'anomaly.mill-1', model_version: 1 } });
    expect(events[0].payload.contributions[0].sensor_id).toBe('mill-torque');
    // The onset was caused by the batch that carried it, and shares its correlation id.
    const stored = (await s.request('GET', '/api/v1/events?types=readings.stored&limit=1000')).body.events;
    const cause = stored.find((e: { id: string }) => e.id === events[0].causation_id);
    expect(cause).toBeDefined();
    expect(events[0].correlation_id).toBe(cause.correlation_id);

    await send(160, 200); // back to normal: the alarm clears
    await s.station.backbone.dispatcher.drained();
    const after = await onsets();
    expect(after.map((e: { type: string }) => e.type)).toEqual(['anomaly.onset', 'anomaly.cleared']);
    expect(after[1].payload).toMatchObject({ asset_id: 'mill-1', onset_at: events[0].payload.at });
  }, 60_000);

  it('cancels a running job', async () => {
    const res = await s.request('POST', '/api/v1/ml/train', { body: { kind: 'anomaly', asset_id: 'mill-1', window: 16, epochs: 400, seed: 1, model_name: 'anomaly.cancelled' } });
    expect(res.status).toBe(202);
    const id = res.body.job.id;
    for (let i = 0; i < 600; i++) {
      const j = await s.request('GET', `/api/v1/ml/jobs/${id}`);
      if (j.body.state === 'running' && j.body.progress > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const c = await s.request('POST', `/api/v1/ml/jobs/${id}/cancel`, { body: {} });
    expect(c.status, c.text).toBe(200);
    const { job } = await waitForJob(s, id);
    expect(job.state).toBe('cancelled');
    expect(job.model_version).toBeNull();
    expect((await s.request('GET', '/api/v1/ml/models/anomaly.cancelled/versions')).status).toBe(404);
  }, 180_000);
});

describe('forecast, drift and recommendations', () => {
  it('falls back to a statistical forecast, then uses a trained model, with intervals and time to threshold', async () => {
    const fb = await s.request('POST', '/api/v1/ml/forecast', { body: { sensor_id: 'mill-process-temp', horizon: 12, threshold: 400 } });
    expect(fb.status, fb.text).toBe(200);
    expect(fb.body.model_info).toMatchObject({ fallback: true, method: 'persistence' });
    expect(fb.body.model_info.fallback_reason).toContain('no forecast model');
    expect(fb.body.model_info.fallback_code).toBe('no_model');
    expect(fb.body.points).toHaveLength(12);
    for (const p of fb.body.points) {
      expect(p.lower).toBeLessThanOrEqual(p.value);
      expect(p.upper).toBeGreaterThanOrEqual(p.value);
    }
    expect(fb.body.step_ms).toBe(MINUTE);
    expect(fb.body.threshold_crossing).toMatchObject({ threshold: 400, direction: 'above', eta: null, already_crossed: false });

    const train = await s.request('POST', '/api/v1/ml/train', { body: { kind: 'forecast', sensor_id: 'mill-process-temp', lookback: 32, horizon: 12, epochs: 5 } });
    expect(train.status, train.text).toBe(202);
    const { job } = await waitForJob(s, train.body.job.id);
    expect(job.state, JSON.stringify(job.error)).toBe('succeeded');
    const f = await s.request('POST', '/api/v1/ml/forecast', { body: { sensor_id: 'mill-process-temp', threshold: 300, direction: 'below', history: 50 } });
    expect(f.status, f.text).toBe(200);
    expect(f.body.model_info).toMatchObject({ model_name: 'forecast.mill-process-temp', method: 'mlp', fallback: false });
    expect(f.body.history).toHaveLength(50);
    expect(Date.parse(f.body.points[0].t)).toBe(Date.parse(f.body.last_timestamp) + MINUTE);
    const lastValue = f.body.history[49].value;
    expect(f.body.threshold_crossing.already_crossed).toBe(lastValue < 300);
  }, 180_000);

  it('checks drift with KS and PSI, records an event and one retraining recommendation per sensor', async () => {
    const small = await s.request('POST', '/api/v1/ml/check-drift', { body: { sensor_id: 'mill-torque', window_minutes: 10, min_samples: 30 } });
    expect(small.status, small.text).toBe(200);
    expect(small.body).toMatchObject({ insufficient_data: true, drift_detected: false, ks_statistic: null, event_id: null, recommendation_id: null });
    expect(small.body.notes).toMatch(/30/);

    // AI4I tool wear grows through the file; air temperature drifts over thousands of rows.
    const d = await s.request('POST', '/api/v1/ml/check_drift', { body: { sensor_id: 'mill-air-temp', window_minutes: 1000, baseline_minutes: 1000 } });
    expect(d.status, d.text).toBe(200);
    expect(d.body.recent_count).toBe(1000);
    expect(d.body.baseline_count).toBe(1000);
    expect(d.body.drift_detected).toBe(d.body.p_value < 0.05 || d.body.psi > 0.2);
    expect(d.body.drift_detected).toBe(true);
    expect(d.body.psi_level).toBe(d.body.psi > 0.2 ? 'significant' : d.body.psi < 0.1 ? 'stable' : 'moderate');
    expect(d.body.event_id).toEqual(expect.any(String));
    expect(d.body.recommendation_id).toEqual(expect.any(String));

    // Checking again raises no second card: the sensor's one recommendation counts the detections.
    const again = await s.request('POST', '/api/v1/ml/check-drift', { body: { sensor_id: 'mill-air-temp', window_minutes: 1000, baseline_minutes: 1000 } });
    expect(again.body.recommendation_id).toBe(d.body.recommendation_id);
    expect(again.body.event_id).not.toBe(d.body.event_id);
    const rec = await s.request('GET', '/api/v1/ml/recommend');
    expect(rec.status, rec.text).toBe(200);
    const cards = rec.body.retraining.filter((r: { sensor_id: string }) => r.sensor_id === 'mill-air-temp');
    expect(cards).toHaveLength(1);
    expect(cards[0]).toMatchObject({ id: d.body.recommendation_id, detections: 2, models: ['anomaly.mill-1'] });
    expect(rec.body.best.some((b: { kind: string }) => b.kind === 'forecast')).toBe(true);
    expect(rec.body.best.some((b: { kind: string }) => b.kind === 'anomaly')).toBe(true);
    const events = (await s.request('GET', '/api/v1/events?types=drift.detected')).body.events;
    expect(events.map((e: { payload: { recommendation_id: string } }) => e.payload.recommendation_id)).toEqual([d.body.recommendation_id, d.body.recommendation_id]);

    // A read key may look (the same figures) but not record.
    const reader = await s.createKey(['read']);
    expect((await s.request('POST', '/api/v1/ml/check-drift', { key: reader, body: { sensor_id: 'mill-air-temp', window_minutes: 1000, baseline_minutes: 1000 } })).status).toBe(403);
    const view = await s.request('GET', '/api/v1/sensors/mill-air-temp/drift?window_minutes=1000&baseline_minutes=1000', { key: reader });
    expect(view.status, view.text).toBe(200);
    expect(view.body).toMatchObject({ drift_detected: true, psi: d.body.psi, ks_statistic: d.body.ks_statistic, event_id: null, recommendation_id: null });
    expect((await s.request('GET', '/api/v1/events?types=drift.detected')).body.events).toHaveLength(2);

    // Dismissed, the card goes; drift seen again later raises a new one.
    const dismissed = await s.request('POST', `/api/v1/ml/recommendations/${d.body.recommendation_id}/dismiss`);
    expect(dismissed.status, dismissed.text).toBe(200);
    expect((await s.request('GET', '/api/v1/ml/recommend')).body.retraining.some((r: { sensor_id: string }) => r.sensor_id === 'mill-air-temp')).toBe(false);
    expect((await s.request('POST', `/api/v1/ml/recommendations/${d.body.recommendation_id}/dismiss`)).status).toBe(409);
    const third = await s.request('POST', '/api/v1/ml/check-drift', { body: { sensor_id: 'mill-air-temp', window_minutes: 1000, baseline_minutes: 1000 } });
    expect(third.body.recommendation_id).not.toBe(d.body.recommendation_id);
  }, 60_000);
});

describe('remaining useful life through the API', () => {
  it('trains from an uploaded run-to-failure CSV and predicts from rows and from a station asset', async () => {
    const csv = cmapssCsv((u) => u <= 30);
    const bad = await s.request('POST', '/api/v1/ml/train', { body: { kind: 'rul', csv, asset_col: 'engine', time_col: 'cycle' } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.message).toContain("no column 'engine'");

    const res = await s.request('POST', '/api/v1/ml/train', { body: { kind: 'rul', csv, asset_col: 'unit', time_col: 'cycle', cap: 125, epochs: 6, dataset: 'fd001' } });
    expect(res.status, res.text).toBe(202);
    const { job, stepsSeen } = await waitForJob(s, res.body.job.id, 170_000);
    expect(job.state, JSON.stringify(job.error)).toBe('succeeded');
    expect(job).toMatchObject({ step: 'done', message: 'done' });
    expect(stepsSeen).toContain('training');
    expect(inOrder(stepsSeen, ['preparing', 'training', 'calibrating', 'done'])).toBe(true);
    const v = (await s.request('GET', '/api/v1/ml/models/rul.fd001/latest')).body;
    expect(v.metrics.val_rmse).toBeGreaterThan(0);
    const features: string[] = v.params.feature_cols;
    expect(features.length).toBeGreaterThan(5);

    // Unit 31's last 40 cycles, which the model never saw.
    const lines = cmapssCsv((u) => u === 31).split('\n');
    const header = lines[0]!.split(',');
    const rows = lines.slice(-40).map((l) => Object.fromEntries(l.split(',').map((x, i) => [header[i]!, Number(x)])));
    const p = await s.request('POST', '/api/v1/ml/predict', { body: { model_name: 'rul.fd001', rows } });
    expect(p.status, p.text).toBe(200);
    expect(p.body.prediction.lower).toBeLessThanOrEqual(p.body.prediction.value);
    expect(p.body.prediction.upper).toBeGreaterThanOrEqual(p.body.prediction.value);
    expect(p.body.prediction.value).toBeLessThan(60); // the unit is at its last cycle: true RUL 0
    expect(p.body.rows_used).toBe(40);
    // The model reads its window (45) and the 4 rows before it whose windows' estimates it averages: 49 rows of 60.
    const sixty = lines.slice(-60).map((l) => Object.fromEntries(l.split(',').map((x, i) => [header[i]!, Number(x)])));
    const p60 = await s.request('POST', '/api/v1/ml/predict', { body: { model_name: 'rul.fd001', rows: sixty } });
    expect(p60.status, p60.text).toBe(200);
    expect(p60.body.rows_used).toBe(49);
    const p49 = await s.request('POST', '/api/v1/ml/predict', { body: { model_name: 'rul.fd001', rows: sixty.slice(-49), age: 59 } });
    expect(p49.body).toMatchObject({ prediction: p60.body.prediction, rows_used: 49 });
    // The rows with the engine's true age (cycles run before the last row): read by the model's age input.
    const aged = await s.request('POST', '/api/v1/ml/predict', { body: { model_name: 'rul.fd001', rows, age: lines.length - 2 } });
    expect(aged.status, aged.text).toBe(200);
    expect(aged.body.prediction.value).toBeLessThan(60);
    const young = await s.request('POST', '/api/v1/ml/predict', { body: { model_name: 'rul.fd001', rows, age: 3 } });
    expect(young.status).toBe(422);
    expect(young.body.error.message).toMatch(/age must be at least 39/);
    const ageWithAsset = await s.request('POST', '/api/v1/ml/predict', { body: { model_name: 'rul.fd001', asset_id: 'engine-31', age: 50 } });
    expect(ageWithAsset.status).toBe(422);

    const missing = await s.request('POST', '/api/v1/ml/predict', { body: { model_name: 'rul.fd001', rows: [{ s2: 1 }] } });
    expect(missing.status).toBe(422);
    expect(missing.body.error.message).toMatch(/feature/);
    const nan = await s.request('POST', '/api/v1/ml/predict', { body: { model_name: 'rul.fd001', rows: [{ s2: 'NaN' }] } });
    expect(nan.status).toBe(422);
    const both = await s.request('POST', '/api/v1/ml/predict', { body: { model_name: 'rul.fd001' } });
    expect(both.status).toBe(422);

    // The same engine as a station asset whose sensor ids are the feature columns.
    const readings = rows.flatMap((r, i) => features.map((f) => ({ sensor_id: `e31-${f}`, timestamp: T0 + i * MINUTE, value: r[f], asset_id: 'engine-31', sensor_type: f })));
    const ing = await s.request('POST', '/api/v1/data/ingest', { body: { readings } });
    expect(ing.status, ing.text).toBeLessThan(300);
    const pa = await s.request('POST', '/api/v1/ml/predict', { body: { model_name: 'rul.fd001', asset_id: 'engine-31' } });
    expect(pa.status, pa.text).toBe(200);
    expect(pa.body.prediction.value).toBeCloseTo(p.body.prediction.value, 3);
    expect(pa.body.rows_used).toBe(40);
  }, 240_000);
});

describe('bad requests get a 4xx naming the problem', () => {
  it.each([
    ['unknown kind', '/api/v1/ml/train', { kind: 'magic', asset_id: 'mill-1' }, 422, 'kind'],
    ['unknown asset', '/api/v1/ml/train', { kind: 'anomaly', asset_id: 'nope' }, 404, 'nope'],
    ['sensor not of the asset', '/api/v1/ml/train', { kind: 'anomaly', asset_id: 'mill-1', sensor_ids: ['ghost'] }, 422, 'ghost'],
    ['unknown forecast sensor', '/api/v1/ml/forecast', { sensor_id: 'ghost' }, 404, 'ghost'],
    ['epochs out of range', '/api/v1/ml/train', { kind: 'forecast', sensor_id: 'mill-torque', epochs: 0 }, 422, 'epochs'],
    ['negative baseline', '/api/v1/ml/train', { kind: 'anomaly', asset_id: 'mill-1', baseline_rows: -1 }, 422, 'baseline_rows'],
    ['extra field', '/api/v1/ml/check_drift', { sensor_id: 'mill-torque', windw: 5 }, 422, 'windw'],
    ['unknown model', '/api/v1/ml/predict', { model_name: 'nothing', rows: [{ a: 1 }] }, 404, 'nothing'],
    ['wrong model kind', '/api/v1/ml/predict', { model_name: 'anomaly.mill-1', rows: [{ a: 1 }] }, 422, 'rul'],
  ])('%s', async (_name, path, body, status, mention) => {
    const res = await s.request('POST', path, { body });
    expect(res.status, res.text).toBe(status);
    expect(res.text).toContain(mention);
  });

  it('unknown jobs are 404 and a read-only key may not train', async () => {
    expect((await s.request('GET', '/api/v1/ml/jobs/nope')).status).toBe(404);
    const readKey = await s.createKey(['read']);
    const res = await s.request('POST', '/api/v1/ml/train', { key: readKey, body: { kind: 'forecast', sensor_id: 'mill-torque' } });
    expect(res.status).toBe(403);
    expect((await s.request('GET', '/api/v1/ml/models', { key: readKey })).status).toBe(200);
    expect((await s.request('GET', '/api/v1/ml/models', { key: null })).status).toBe(401);
  });
});

describe('model loading disabled (safe mode)', () => {
  it('falls back to statistics everywhere and says so', async () => {
    const safe = await startStation({ disableModelLoading: true }, { dir: tempDir('smc-ml-safe-') });
    try {
      await importAi4iAsset(safe, 'mill-1', 1500);
      const health = await safe.request('GET', '/api/v1/ml/health');
      expect(health.body).toMatchObject({ status: 'fallback', model_loading: 'disabled', backend: null });
      const det = await safe.request('POST', '/api/v1/ml/detect_anomaly', { body: { asset_id: 'mill-1' } });
      expect(det.status, det.text).toBe(200);
      expect(det.body.model_info).toMatchObject({ method: 'statistical', fallback: true });
      expect(det.body.model_info.fallback_reason).toContain('SMC_DISABLE_MODEL_LOADING');
      expect(det.body.model_info.fallback_code).toBe('model_loading_disabled');
      // 1,500 minutes, a fifth of them the reference: too short for a daily profile.
      expect(det.body.seasonal_profile).toBeNull();
      const f = await safe.request('POST', '/api/v1/ml/forecast', { body: { sensor_id: 'mill-torque', horizon: 5 } });
      expect(f.status, f.text).toBe(200);
      // Torque scatters around its level: the recent mean beats the last value, and the answer says so.
      expect(f.body.model_info).toMatchObject({ method: 'mean', fallback: true });
      const t = await safe.request('POST', '/api/v1/ml/train', { body: { kind: 'anomaly', asset_id: 'mill-1' } });
      expect(t.status).toBe(503);
      expect(t.body.error.message).toContain('SMC_DISABLE_MODEL_LOADING');
    } finally {
      await safe.stop();
    }
  }, 120_000);

  it('the statistical stand-in takes out a daily rhythm and names the sensor', async () => {
    const safe = await startStation({ disableModelLoading: true }, { dir: tempDir('smc-ml-daily-') });
    try {
      // A hall temperature every 15 minutes for 20 days, following the day: the reference (a fifth) holds four of them.
      const step = 15 * MINUTE;
      const rows = (20 * 24 * 60 * MINUTE) / step;
      const lines = ['sensor_id,timestamp,value'];
      for (let i = 0; i < rows; i++) {
        const t = T0 + i * step;
        lines.push(`hall-temp,${t},${(21 + 3 * Math.sin((2 * Math.PI * (t % 86_400_000)) / 86_400_000) + 0.3 * Math.sin(i * 1.7)).toFixed(3)}`);
      }
      const imp = await safe.request('POST', '/api/v1/data/import?asset_id=hall&sensor_type=temperature&unit=C', { rawBody: lines.join('\n'), headers: { 'content-type': 'text/csv' } });
      expect(imp.status, imp.text).toBeLessThan(300);
      const det = await safe.request('POST', '/api/v1/ml/detect_anomaly', { body: { asset_id: 'hall' } });
      expect(det.status, det.text).toBe(200);
      expect(det.body.model_info).toMatchObject({ method: 'statistical', fallback: true });
      expect(det.body.seasonal_profile).toMatchObject({ cycle: 'day', sensors: [{ sensor_id: 'hall-temp' }] });
      expect(det.body.seasonal_profile.sensors[0].explained).toBeGreaterThan(0.8);
      // Every afternoon is expected: no alarm over the 16 days after the reference.
      expect(det.body.anomaly_count).toBe(0);
    } finally {
      await safe.stop();
    }
  }, 60_000);

  it('a station restarted in safe mode ignores its trained models', async () => {
    await s.stop();
    const safe = await startStation({ disableModelLoading: true }, { dir });
    try {
      const det = await safe.request('POST', '/api/v1/ml/detect_anomaly', { body: { asset_id: 'mill-1' } });
      expect(det.body.model_info).toMatchObject({ method: 'statistical', fallback: true });
      expect((await safe.request('GET', '/api/v1/ml/models')).body.models.length).toBeGreaterThan(0);
    } finally {
      await safe.station.stop();
    }
  }, 60_000);
});
