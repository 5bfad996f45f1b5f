import type { OutputOf, ParsedInputOf } from '../../../../contract';
import type { ModelInfo } from '../../../../contract/models';
import { toIso } from '../../../../contract/timestamp';
import { ensureBackend } from '../../ml/runtime/backend';
import { float32Decimal } from '../../ml/runtime/decimals';
import { DAY_MS, fitStatisticalDetector, loadAnomalyDetector, type AnomalyDetector, type AnomalyModelMeta, type HysteresisSettings, type SeasonalProfile, type SeriesScores } from '../../ml/anomaly';
import { alignSeries } from '../../ml/data/grid';
import { tooFewRows } from '../../ml/ml-errors';
import { assetSensors, resolveFor, type ModelsContext } from './context';
import { applyPolicy, appliedSettings, policyAdjust, policyRef, servingKey } from './policy/apply-policy';

// Anomaly detection over an asset's stored history. With a trained model
// the scores come from its reconstruction error; without one (none trained,
// or safe mode) a statistical detector fitted on the first part of the same
// history stands in, and the answer says so. The asset's alarm policy
// (policy/) decides the alarms over the model's scores; the answer names
// the revision it used. The statistical stand-in has no stored calibration
// for a policy to adjust, so it decides with its own.

type DetectInput = ParsedInputOf<'ml.detect'>;
type DetectOutput = OutputOf<'ml.detect'>;

/** Above this many rows, batch scoring runs in a worker thread. */
const WORKER_ROWS = 5_000;
/** Share of the history the statistical fallback treats as normal. */
const FALLBACK_REFERENCE_SHARE = 0.2;

export async function detectAnomalies(ctx: ModelsContext, input: DetectInput): Promise<DetectOutput> {
  const all = assetSensors(ctx, input.asset_id);
  const resolved = resolveFor(ctx, 'anomaly', input.asset_id, input.model_version);
  const wanted = resolved.record ? ((resolved.record.params.sensors as string[] | undefined) ?? all.map((s) => s.id)) : all.map((s) => s.id);
  const stepMs = resolved.record ? (resolved.record.params.step_ms as number | undefined) : undefined;
  const sensors = wanted.map((id) => all.find((s) => s.id === id)).filter((s) => s !== undefined);
  const series = [];
  for (const s of sensors) series.push(await ctx.readings.repo.history({ id: s.id, key: s.sensor_key }, { ...(input.from !== undefined ? { from: input.from } : {}), ...(input.to !== undefined ? { to: input.to } : {}) }));
  const m = alignSeries(series, stepMs, input.from !== undefined || input.to !== undefined ? 'from' : 'asset_id');
  const matrix = { sensors: m.sensors, timestamps: m.timestamps, values: m.values };
  const rows = m.timestamps.length;

  let scores: SeriesScores;
  let info: ModelInfo;
  let threshold: number;
  let window: number;
  let applied: DetectOutput['alarm_policy'];
  let seasonal: SeasonalProfile | null = null;
  if (resolved.record && m.sensors.length === wanted.length) {
    const { record } = resolved;
    const loaded = await ctx.registry.loadModel(record.name, record.version);
    // Read once, here: the whole history is decided under one revision, the one the answer names.
    const policy = ctx.policies.get(input.asset_id);
    const meta = applyPolicy(loaded.meta as AnomalyModelMeta, policy);
    applied = { ...policyRef(policy), ...appliedSettings(policy, meta.hysteresis) };
    threshold = float32Decimal(meta.threshold);
    window = meta.window;
    if (rows < window) throw tooFewRows(`asset ${input.asset_id} has too little history in the range for the model's window`, rows, window, 'from');
    if (rows > WORKER_ROWS) {
      ctx.worker.requireReady('scoring a long history');
      scores = (await ctx.worker.run('score-anomaly', { artifact: loaded.artifact!, meta, matrix }, { seed: record.seed }).result).value;
    } else {
      await ensureBackend();
      const d = await ctx.cache.get<AnomalyDetector>(servingKey(record.id, policy), () => loadAnomalyDetector(loaded.artifact!, meta));
      scores = await d.scoreSeries(matrix);
    }
    info = { model_name: record.name, model_version: record.version, method: 'autoencoder', fallback: false, fallback_reason: null, fallback_code: null };
  } else {
    const reason = resolved.record ? `the model's sensors (${wanted.join(', ')}) do not all have readings in the range` : resolved.reason;
    const code = resolved.record ? 'sensors_without_readings' : resolved.code;
    const refRows = Math.max(64, Math.floor(rows * FALLBACK_REFERENCE_SHARE));
    if (rows < refRows + 1) throw tooFewRows(`asset ${input.asset_id} has too little aligned history for the statistical detector`, rows, refRows + 1, 'asset_id');
    // The asset's policy decides the stand-in's alarms as it does a model's.
    const policy = ctx.policies.get(input.asset_id);
    const adjust = policyAdjust(policy);
    let hysteresis: HysteresisSettings;
    if (rows > WORKER_ROWS && ctx.worker.state !== 'unavailable') {
      const r = (await ctx.worker.run('score-statistical', { referenceRows: refRows, matrix, adjust }, { seed: 0 }).result).value;
      ({ scores, threshold, window, hysteresis, seasonal } = r);
    } else {
      const k = m.sensors.length;
      const d = fitStatisticalDetector({ sensors: m.sensors, timestamps: m.timestamps.subarray(0, refRows), values: m.values.subarray(0, refRows * k) }, { adjust });
      scores = await d.scoreSeries(matrix);
      threshold = d.threshold;
      window = d.window;
      hysteresis = d.hysteresis;
      seasonal = d.seasonal;
    }
    applied = { ...policyRef(policy), ...appliedSettings(policy, hysteresis) };
    info = { model_name: null, model_version: null, method: 'statistical', fallback: true, fallback_reason: reason, fallback_code: code };
  }

  return {
    asset_id: input.asset_id,
    sensors: m.sensors,
    total_readings_analyzed: series.reduce((n, s) => n + s.ts.length, 0),
    windows_scored: Math.max(0, rows - window + 1),
    threshold,
    alarm_policy: applied,
    anomaly_count: scores.anomalies.length,
    anomalies: scores.anomalies.map((a) => ({
      start: toIso(m.timestamps[a.startIndex]!),
      end: toIso(m.timestamps[a.endIndex]!),
      peak_score: a.peakScore,
      peak_at: toIso(m.timestamps[a.peakIndex]!),
      contributions: a.contributions.map((c) => ({ sensor_id: c.sensor, share: c.share })),
    })),
    scores: thin(scores, m.timestamps, input.scores, threshold),
    model_info: info,
    seasonal_profile: seasonalWire(seasonal, m.sensors),
  };
}

function seasonalWire(p: SeasonalProfile | null, sensors: readonly string[]): DetectOutput['seasonal_profile'] {
  if (p === null) return null;
  return {
    cycle: p.periodMs === DAY_MS ? 'day' : 'week',
    sensors: sensors.flatMap((id, j) => (p.offsets[j] ? [{ sensor_id: id, explained: Math.round(p.explained[j]! * 1000) / 1000 }] : [])),
  };
}

/** At most `limit` points for a chart: the maximum score of each bucket, so peaks survive thinning. */
function thin(s: SeriesScores, ts: Float64Array, limit: number, threshold: number): DetectOutput['scores'] {
  if (limit === 0 || s.scores.length === 0) return [];
  const n = s.scores.length;
  const per = Math.ceil(n / limit);
  const out: DetectOutput['scores'] = [];
  for (let b = 0; b < n; b += per) {
    let best = b;
    let anomaly = false;
    for (let i = b; i < Math.min(n, b + per); i++) {
      if (s.scores[i]! > s.scores[best]!) best = i;
      if (s.anomaly[i]) anomaly = true;
    }
    const score = Number.isFinite(s.scores[best]!) ? s.scores[best]! : 0;
    out.push({ t: toIso(ts[best]!), score, above_threshold: s.above[best] === 1 || score > threshold, anomaly });
  }
  return out;
}
