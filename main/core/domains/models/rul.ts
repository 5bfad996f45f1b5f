import type { OutputOf, ParsedInputOf } from '../../../../contract';
import { ensureBackend } from '../../ml/runtime/backend';
import { loadRulPredictor, type RulModelMeta, type RulPredictor } from '../../ml/rul';
import { alignSeries } from '../../ml/data/grid';
import { MlInputError } from '../../ml/ml-errors';
import { AppError } from '../../platform/errors';
import { DISABLED_REASON, assetSensors, type ModelsContext } from './context';

// Remaining useful life of one asset from a RUL model: from rows the caller
// sends (its latest rows, oldest first) or from the station's sensors of
// that asset, matched to the model's feature columns by sensor id or type.
// The model reads its window and the few rows before it, since it averages
// the estimates of the windows ending at the asset's last few rows
// (`rowsRead` in all); `rows_used` says how many of those there were.
// A model trained with the age input also reads how long the asset has run:
// given with the rows, or, for a station asset, the grid steps since the
// first reading of its matched sensors — which takes the asset's life to
// start with its first stored reading (an older asset looks younger).

type PredictInput = ParsedInputOf<'ml.predict'>;
type PredictOutput = OutputOf<'ml.predict'>;

export async function predictRul(ctx: ModelsContext, input: PredictInput): Promise<PredictOutput> {
  if (ctx.disabled) throw new AppError('unavailable', `${DISABLED_REASON}: remaining useful life needs a trained model; there is no statistical stand-in`, { reason: 'model_loading_disabled' });
  const record = ctx.registry.resolve(input.model_name, input.model_version);
  if (!record) throw new AppError('not_found', `no model '${input.model_name}' at version ${String(input.model_version)}`, { model_name: input.model_name, model_version: input.model_version });
  if (record.kind !== 'rul') throw new AppError('validation_failed', `model ${record.name} is a ${record.kind} model, not a rul model`, [{ path: 'model_name', message: 'not a rul model' }]);
  await ensureBackend();
  const predictor = await ctx.cache.get<RulPredictor>(record.id, async () => {
    const loaded = await ctx.registry.loadModel(record.name, record.version);
    return loadRulPredictor(loaded.artifact!, loaded.meta as RulModelMeta);
  });

  const { rows, age } = input.rows
    ? { rows: rowsFromRecords(input.rows, predictor.featureCols), age: input.age }
    : await rowsFromAsset(ctx, input.asset_id!, predictor);
  if (age !== undefined && age < rows.length - 1) {
    throw new MlInputError(`age must be at least ${rows.length - 1}: the rows given are themselves that many steps of history`, { path: 'age', field: 'age' });
  }
  const est = predictor.predict(rows, age);
  return {
    prediction: { value: est.value, lower: est.lower, upper: est.upper, unit: String(record.params.time_unit ?? 'time steps') },
    interval_level: predictor.level,
    rows_used: Math.min(rows.length, predictor.rowsRead),
    model_info: { model_name: record.name, model_version: record.version, method: 'rul-net', fallback: false, fallback_reason: null, fallback_code: null },
  };
}

function rowsFromRecords(records: Record<string, number>[], cols: string[]): number[][] {
  return records.map((r, i) =>
    cols.map((c) => {
      const v = r[c];
      if (v === undefined) throw new MlInputError(`rows.${i} has no value for feature '${c}' (the model needs: ${cols.join(', ')})`, { path: `rows.${i}.${c}`, field: c });
      return v;
    }),
  );
}

async function rowsFromAsset(ctx: ModelsContext, assetId: string, p: RulPredictor): Promise<{ rows: number[][]; age: number }> {
  const sensors = assetSensors(ctx, assetId);
  const matched = p.featureCols.map((col) => {
    const c = col.toLowerCase();
    return sensors.find((s) => s.id.toLowerCase() === c) ?? sensors.find((s) => s.sensor_type?.toLowerCase() === c);
  });
  const missing = p.featureCols.filter((_, i) => !matched[i]);
  if (missing.length > 0) {
    throw new MlInputError(`asset ${assetId} has no sensor for feature${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (match a sensor id or type to each feature column)`, { path: 'asset_id', field: 'asset_id' });
  }
  const series = [];
  // Enough recent readings for the rows the model reads on the common grid.
  for (const s of matched) series.push(await ctx.readings.repo.history({ id: s!.id, key: s!.sensor_key }, {}, p.rowsRead * 4 + 16));
  const m = alignSeries(series);
  const k = m.sensors.length;
  const rows: number[][] = [];
  const n = m.timestamps.length;
  for (let r = Math.max(0, n - p.rowsRead); r < n; r++) rows.push(Array.from(m.values.subarray(r * k, (r + 1) * k)));
  const first = Math.max(...matched.map((s) => s!.first_timestamp ?? m.timestamps[0]!));
  const age = Math.max(rows.length - 1, Math.round((m.timestamps[n - 1]! - first) / m.stepMs));
  return { rows, age };
}
