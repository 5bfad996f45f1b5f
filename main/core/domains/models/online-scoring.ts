import { toIso } from '../../../../contract/timestamp';
import type { Consumer, TxWork } from '../../backbone';
import { loadAnomalyDetector, type AnomalyDetector, type AnomalyModelMeta } from '../../ml/anomaly';
import { ensureBackend } from '../../ml/runtime/backend';
import type { StoredEvent, Tx } from '../../platform/write-queue';
import { resolveFor, type ModelsContext } from './context';
import type { OnlineStateRepo, AssetOnlineState } from './online-state-repo';

// Online scoring: the first consumer of `readings.stored`. For each batch
// it reads exactly the readings that batch stored (so duplicates, conflicts
// and refused readings never reach a detector), steps the serving anomaly
// model of each asset they belong to, and commits the detector's state with
// its offset — a restart resumes mid-window, and a batch sent twice is
// scored once. An asset's model sees one row per reading of its first
// sensor (the model's clock), holding the latest value of every other
// sensor; until each sensor has reported once, nothing is scored.
// Entering and leaving the anomaly state are announced as anomaly.onset and
// anomaly.cleared. Readings older than what a sensor already reported (a
// backfill) are not fed to the live window.

export const ONLINE_SCORING = 'online-scoring';

interface Serving {
  modelId: string;
  name: string;
  version: number;
  detector: AnomalyDetector;
}

type StoredPayload = StoredEvent<'readings.stored'>['payload'];

export function createOnlineScoring(ctx: ModelsContext, states: OnlineStateRepo): Consumer {
  /** Serving model per asset (null: none); cleared by every model event, which arrive in order with readings. */
  const serving = new Map<string, Serving | null>();
  /** State per asset as this consumer left it, possibly ahead of the last commit until the dispatcher settles. */
  const working = new Map<string, AssetOnlineState>();
  let anyModel: boolean | undefined;

  function hasAnyModel(): boolean {
    anyModel ??= ctx.registry.list({ kind: 'anomaly' }).length > 0;
    return anyModel;
  }

  async function servingFor(assetId: string): Promise<Serving | null> {
    if (serving.has(assetId)) return serving.get(assetId)!;
    const resolved = resolveFor(ctx, 'anomaly', assetId, 'auto');
    let s: Serving | null = null;
    if (resolved.record) {
      const record = resolved.record;
      await ensureBackend();
      const detector = await ctx.cache.get(record.id, async () => {
        const loaded = await ctx.registry.loadModel(record.name, record.version);
        return loadAnomalyDetector(loaded.artifact!, loaded.meta as AnomalyModelMeta);
      });
      s = { modelId: record.id, name: record.name, version: record.version, detector };
    }
    serving.set(assetId, s);
    return s;
  }

  function stateOf(assetId: string, model: Serving): AssetOnlineState {
    const have = working.get(assetId) ?? states.get(assetId);
    if (have && have.modelId === model.modelId) return structuredClone(have);
    const k = model.detector.sensors.length;
    return { modelId: model.modelId, latest: new Array<number | null>(k).fill(null), latestTs: new Array<number | null>(k).fill(null), scorer: null, onsetAt: null, peak: 0, lastScore: null };
  }

  /** This batch's readings of the model's sensors, in time order; at one instant the other sensors before the clock. */
  function rowsOf(e: StoredEvent, p: StoredPayload, model: Serving): Array<{ ts: number; i: number; v: number }> {
    const from = Date.parse(p.from);
    const to = Date.parse(p.to);
    const out: Array<{ ts: number; i: number; v: number }> = [];
    const wanted = new Set(p.sensors);
    model.detector.sensors.forEach((id, i) => {
      if (!wanted.has(id)) return;
      const s = ctx.sensors.repo.get(id);
      if (!s) return;
      for (const [ts, v] of ctx.readings.repo.storedBy(e.seq, s.sensor_key, from, to)) out.push({ ts, i, v });
    });
    return out.sort((a, b) => a.ts - b.ts || (a.i === 0 ? 1 : 0) - (b.i === 0 ? 1 : 0) || a.i - b.i);
  }

  /**
   * Steps the asset's scorer over this batch: first the rows it forms (each
   * clock reading with the latest value of every sensor), then one batched
   * pass of the model over all of them.
   */
  function score(assetId: string, model: Serving, st: AssetOnlineState, rows: Array<{ ts: number; i: number; v: number }>, emit: Array<(tx: Tx) => void>): void {
    const k = model.detector.sensors.length;
    const latest = st.latest;
    const matrix: number[] = [];
    const at: number[] = [];
    for (const { ts, i, v } of rows) {
      const last = st.latestTs[i];
      if (last !== null && last !== undefined && ts <= last) continue;
      st.latestTs[i] = ts;
      latest[i] = v;
      if (i !== 0 || latest.some((x) => x === null)) continue;
      for (let j = 0; j < k; j++) matrix.push(latest[j]!);
      at.push(ts);
    }
    if (at.length === 0) return;
    const scorer = model.detector.createOnline(st.scorer ?? undefined);
    const results = scorer.pushMany(matrix, at.length);
    results.forEach((s, n) => {
      const ts = at[n]!;
      st.lastScore = s.score;
      if (s.anomaly) st.peak = Math.max(st.peak, s.score);
      if (s.onset) {
        st.onsetAt = ts;
        st.peak = s.score;
        const contributions = (s.contributions ?? []).map((c) => ({ sensor_id: c.sensor, share: c.share }));
        const iso = toIso(ts);
        emit.push((tx) => tx.emit('anomaly.onset', { asset_id: assetId, at: iso, score: s.score, threshold: model.detector.threshold, model_name: model.name, model_version: model.version, contributions }));
      } else if (s.cleared) {
        const onsetAt = st.onsetAt === null ? null : toIso(st.onsetAt);
        const iso = toIso(ts);
        const peak = st.peak;
        emit.push((tx) => tx.emit('anomaly.cleared', { asset_id: assetId, at: iso, onset_at: onsetAt, peak_score: peak, model_name: model.name, model_version: model.version }));
        st.onsetAt = null;
        st.peak = 0;
      }
    });
    st.scorer = scorer.snapshot();
  }

  return {
    name: ONLINE_SCORING,
    types: ['readings.stored', 'model.trained', 'model.promoted'],
    async handle(e): Promise<TxWork | void> {
      if (e.type !== 'readings.stored') {
        // A new or promoted model may change what serves an asset: look again.
        serving.clear();
        anyModel = undefined;
        return;
      }
      if (ctx.disabled || !hasAnyModel()) return;
      const p = e.payload as StoredPayload;
      const assets = new Set<string>();
      for (const id of p.sensors) {
        const a = ctx.sensors.repo.get(id)?.asset_id;
        if (a) assets.add(a);
      }
      const changed: Array<[string, AssetOnlineState]> = [];
      const emit: Array<(tx: Tx) => void> = [];
      for (const assetId of [...assets].sort()) {
        const model = await servingFor(assetId);
        if (!model) continue;
        const rows = rowsOf(e, p, model);
        if (rows.length === 0) continue;
        const st = stateOf(assetId, model);
        score(assetId, model, st, rows, emit);
        changed.push([assetId, st]);
      }
      if (changed.length === 0) return;
      for (const [assetId, st] of changed) working.set(assetId, st);
      return (tx) => {
        for (const [assetId, st] of changed) states.put(tx, assetId, st);
        for (const f of emit) f(tx);
      };
    },
    reset() {
      working.clear();
      serving.clear();
      anyModel = undefined;
    },
  };
}
