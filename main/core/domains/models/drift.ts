import type { OutputOf, ParsedInputOf } from '../../../../contract';
import { checkDrift, psiLevel } from '../../ml/drift';
import { recommendationToWire } from './recommendations-repo';
import type { ModelsContext } from './context';

// Drift of one sensor: its recent window against the window just before,
// ending at the sensor's last reading (a field laptop may sync days of data
// at once, so "now" is the data's time, not the clock's). check-drift
// records what it finds — a drift.detected event and one retraining
// recommendation per sensor, raised or updated — while the read-only view
// computes the same figures and writes nothing.

type DriftOutput = OutputOf<'ml.drift'>;
type DriftParams = Omit<ParsedInputOf<'ml.drift'>, 'sensor_id'>;

const MINUTE = 60_000;

async function compute(ctx: ModelsContext, sensorId: string, input: DriftParams) {
  const s = ctx.sensors.require(sensorId);
  const end = s.last_timestamp ?? 0;
  const recentFrom = end - input.window_minutes * MINUTE;
  const baseFrom = recentFrom - (input.baseline_minutes ?? input.window_minutes) * MINUTE;
  const key = { id: s.id, key: s.sensor_key };
  const recent = s.last_timestamp === null ? null : await ctx.readings.repo.history(key, { from: recentFrom + 1, to: end });
  const baseline = s.last_timestamp === null ? null : await ctx.readings.repo.history(key, { from: baseFrom + 1, to: recentFrom });
  const r = checkDrift(baseline?.values ?? new Float64Array(0), recent?.values ?? new Float64Array(0), {
    minSamples: input.min_samples,
    pValueThreshold: input.p_value_threshold,
    psiThreshold: input.psi_threshold,
  });
  const output: DriftOutput = {
    sensor_id: s.id,
    recent_count: r.recentCount,
    baseline_count: r.referenceCount,
    window_minutes: input.window_minutes,
    ks_statistic: r.ks,
    p_value: r.pValue,
    p_value_threshold: input.p_value_threshold,
    psi: r.psi,
    psi_threshold: input.psi_threshold,
    psi_level: r.psi === null ? null : psiLevel(r.psi, input.psi_threshold),
    drift_detected: r.status === 'drift',
    insufficient_data: r.status === 'insufficient_data',
    notes: r.notes,
    event_id: null,
    recommendation_id: null,
  };
  return { sensor: s, output };
}

export async function viewDrift(ctx: ModelsContext, input: ParsedInputOf<'ml.drift.view'>): Promise<DriftOutput> {
  const { id, ...params } = input;
  return (await compute(ctx, id, params)).output;
}

export async function recordDrift(ctx: ModelsContext, input: ParsedInputOf<'ml.drift'>, correlationId: string): Promise<DriftOutput> {
  const { sensor_id, ...params } = input;
  const { sensor, output } = await compute(ctx, sensor_id, params);
  if (!output.drift_detected) return output;
  const models = modelsUsing(ctx, sensor.id, sensor.asset_id);
  const ids = await ctx.writer.write((tx) => {
    const recommendationId = ctx.recommendations.detected(tx, {
      sensorId: sensor.id, models, psi: output.psi, ks: output.ks_statistic, pValue: output.p_value, windowMinutes: output.window_minutes,
    });
    const event = tx.emit('drift.detected', {
      sensor_id: sensor.id, asset_id: sensor.asset_id, ks_statistic: output.ks_statistic, p_value: output.p_value, psi: output.psi,
      window_minutes: output.window_minutes, recent_count: output.recent_count, baseline_count: output.baseline_count, models, recommendation_id: recommendationId,
    });
    return { eventId: event.id, recommendationId };
  }, { correlationId });
  ctx.log.info({ sensor: sensor.id, ks: output.ks_statistic, psi: output.psi, models }, 'drift detected');
  return { ...output, event_id: ids.eventId, recommendation_id: ids.recommendationId };
}

/** Names of the models trained on this sensor: its forecast models and its asset's anomaly models. */
function modelsUsing(ctx: ModelsContext, sensorId: string, assetId: string | null): string[] {
  const names = ctx.registry.list({ kind: 'forecast', target: sensorId }).map((m) => m.name);
  if (assetId) names.push(...ctx.registry.list({ kind: 'anomaly', target: assetId }).map((m) => m.name));
  return names;
}

export function recommendations(ctx: ModelsContext, input: ParsedInputOf<'ml.recommend'>): OutputOf<'ml.recommend'> {
  const best = ctx.registry.recommend({ ...(input.sensor_type ? { sensorType: input.sensor_type } : {}), limit: input.limit });
  return {
    best: best.map((b) => ({
      sensor_type: b.sensorType, kind: b.kind, model_name: b.name, model_version: b.version, stage: b.stage, metric: b.metric, value: b.value, candidates: b.candidates, reason: b.reason,
    })),
    retraining: ctx.recommendations.open(input.limit).map(recommendationToWire),
  };
}
