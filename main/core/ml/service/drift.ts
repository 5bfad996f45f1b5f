import type { OutputOf, ParsedInputOf } from '../../../../contract';
import { checkDrift } from '../drift';
import { readSensorSeries } from '../data/station-series';
import { requireSensor, type MlContext } from './ml-context';

// Drift of one sensor: its recent window against the window just before,
// ending at the sensor's last reading (a field laptop may sync days of data
// at once, so "now" is the data's time, not the clock's). Drift is recorded
// as an event carrying a retraining recommendation for the models that use
// the sensor.

type DriftInput = ParsedInputOf<'ml.drift'>;
type DriftOutput = OutputOf<'ml.drift'>;

const MINUTE = 60_000;

export async function sensorDrift(ctx: MlContext, input: DriftInput): Promise<DriftOutput> {
  const s = requireSensor(ctx, input.sensor_id);
  const end = s.last_ts ?? 0;
  const recentFrom = end - input.window_minutes * MINUTE;
  const refFrom = recentFrom - (input.reference_minutes ?? input.window_minutes) * MINUTE;
  const key = { id: s.id, key: s.sensor_key };
  const recent = s.last_ts === null ? null : await readSensorSeries(ctx.db, key, { from: recentFrom + 1, to: end });
  const reference = s.last_ts === null ? null : await readSensorSeries(ctx.db, key, { from: refFrom + 1, to: recentFrom });
  const r = checkDrift(reference?.values ?? new Float64Array(0), recent?.values ?? new Float64Array(0), {
    minSamples: input.min_samples,
    pValueThreshold: input.p_value_threshold,
    psiThreshold: input.psi_threshold,
  });

  let eventId: string | null = null;
  if (r.status === 'drift') {
    const models = modelsUsing(ctx, s.id, s.asset_id);
    const event = ctx.events.append({
      type: 'ml.drift',
      subject: s.id,
      payload: {
        sensor_id: s.id, asset_id: s.asset_id, ks_statistic: r.ks, p_value: r.pValue, psi: r.psi,
        window_minutes: input.window_minutes, recent_count: r.recentCount, baseline_count: r.referenceCount,
        models, recommendation: models.length > 0 ? `retrain ${models.join(', ')} on recent data` : `train a model for ${s.id} on recent data`,
      },
    }, ctx.now());
    eventId = event.id;
    ctx.log.info({ sensor: s.id, ks: r.ks, psi: r.psi, models }, 'drift detected');
  }
  return {
    sensor_id: s.id,
    recent_count: r.recentCount,
    baseline_count: r.referenceCount,
    window_minutes: input.window_minutes,
    ks_statistic: r.ks,
    p_value: r.pValue,
    p_value_threshold: input.p_value_threshold,
    psi: r.psi,
    psi_threshold: input.psi_threshold,
    drift_detected: r.status === 'drift',
    insufficient_data: r.status === 'insufficient_data',
    notes: r.notes,
    event_id: eventId,
  };
}

/** Names of the models trained on this sensor: its forecast models and its asset's anomaly models. */
function modelsUsing(ctx: MlContext, sensorId: string, assetId: string | null): string[] {
  const names = ctx.registry.list({ kind: 'forecast', target: sensorId }).map((m) => m.name);
  if (assetId) names.push(...ctx.registry.list({ kind: 'anomaly', target: assetId }).map((m) => m.name));
  return names;
}

export function recommendations(ctx: MlContext, input: ParsedInputOf<'ml.recommend'>): OutputOf<'ml.recommend'> {
  const best = ctx.registry.recommend({ ...(input.sensor_type ? { sensorType: input.sensor_type } : {}), limit: input.limit });
  const drift = ctx.events.list({ type: 'ml.drift', limit: input.limit });
  return {
    best: best.map((b) => ({
      sensor_type: b.sensorType, kind: b.kind, model_name: b.name, version: b.version, stage: b.stage, metric: b.metric, value: b.value, reason: b.reason,
    })),
    retraining: drift.map((e) => {
      const p = e.payload as { sensor_id?: string; models?: string[]; recommendation?: string };
      return {
        event_id: e.id,
        sensor_id: p.sensor_id ?? e.subject,
        model_name: p.models?.[0] ?? null,
        at: new Date(e.createdAt).toISOString(),
        reason: p.recommendation ?? 'drift detected',
      };
    }),
  };
}
