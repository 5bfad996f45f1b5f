import { toIso } from '../../../../contract/timestamp';
import type { Consumer, TxWork } from '../../backbone';
import { loadAnomalyDetector, type AnomalyDetector, type AnomalyModelMeta } from '../../ml/anomaly';
import { stepThroughCuts, type OnlineStep } from '../../ml/anomaly/online-step';
import { isAnomaly, isCleared, isOnset, packScores } from '../../ml/anomaly/packed-scores';
import { ensureBackend } from '../../ml/runtime/backend';
import type { PolicyRef } from '../../../../contract/models';
import type { StoredEvent, Tx } from '../../platform/write-queue';
import { resolveFor, type ModelsContext } from './context';
import { applyPolicy, policyRef, servingKey } from './policy/apply-policy';
import { rebaseOnPolicy, samePolicy } from './policy/online-policy';
import { assetsOf, formRows, readingsOf } from './online-rows';
import { OnlineWorkerGone, type OnlineScoringWorker } from './online-scoring-worker';
import type { OnlineStateRepo, AssetOnlineState } from './online-state-repo';

// Online scoring: the first consumer of `readings.stored`. For each batch
// it reads exactly the readings that batch stored (so duplicates, conflicts
// and refused readings never reach a detector), steps the serving anomaly
// model of each asset they belong to (online-rows.ts forms the rows), and
// commits the detector's state with its offset — a restart resumes
// mid-window, and a batch sent twice is scored once. Entering and leaving
// the anomaly state are announced as anomaly.onset and anomaly.cleared.
//
// Batches delivered together (a backlog, or several that committed at
// once) are scored in one pass per asset, with the scorer's state taken
// after each batch, so every batch still commits exactly the state it leads
// to. The pass runs in the online scoring worker when there is one, so the
// serving thread only forms the rows and commits the result; else here,
// with the same arithmetic.
//
// The asset's alarm policy decides the alarms over the model's scores. A
// change of policy arrives as alarm_policy.changed, in order with the
// readings: the next batch is scored under the new revision, with the
// window kept and the alarm rebased (policy/online-policy.ts), and every
// state and event says which revision it was decided under.

export const ONLINE_SCORING = 'online-scoring';

interface Serving {
  modelId: string;
  /** The model under its policy revision: what loaded detectors and the worker's models are keyed by. */
  key: string;
  name: string;
  version: number;
  /** The threshold the alarm steps on (the model's x the policy's factor), unrounded. */
  threshold: number;
  policy: PolicyRef;
  detector: AnomalyDetector;
}

/** One asset in one batch: the rows it scored, then the state and events the batch commits for it. */
interface Touch {
  assetId: string;
  at: number[];
  latest: Array<number | null>;
  latestTs: Array<number | null>;
  state?: AssetOnlineState;
  emits: Array<(tx: Tx) => void>;
}

/** One asset over a run of batches. */
interface AssetRun {
  model: Serving;
  st: AssetOnlineState;
  matrix: number[];
  touches: Touch[];
}

export function createOnlineScoring(ctx: ModelsContext, states: OnlineStateRepo, worker?: OnlineScoringWorker): Consumer {
  /** Serving model per asset (null: none); cleared by every model event, which arrive in order with readings. */
  const serving = new Map<string, Serving | null>();
  /** State per asset as this consumer left it, possibly ahead of the last commit until the dispatcher settles. */
  const working = new Map<string, AssetOnlineState>();
  let anyModel: boolean | undefined;

  function hasAnyModel(): boolean {
    anyModel ??= ctx.registry.list({ kind: 'anomaly' }).length > 0;
    return anyModel;
  }

  /** What serves the asset for readings stored at `seq`: every model or policy event clears it, so it holds until the next one. */
  async function servingFor(assetId: string, seq: number): Promise<Serving | null> {
    if (serving.has(assetId)) return serving.get(assetId)!;
    const resolved = resolveFor(ctx, 'anomaly', assetId, 'auto');
    let s: Serving | null = null;
    if (resolved.record) {
      const record = resolved.record;
      // As of the batch, not of now: a consumer catching up scores readings stored before a change under the revision then in force.
      const policy = ctx.policies.inForceAt(assetId, seq);
      const meta = applyPolicy(ctx.registry.meta(record.name, record.version) as AnomalyModelMeta, policy);
      const key = servingKey(record.id, policy);
      await ensureBackend();
      const detector = await ctx.cache.get(key, async () => {
        const loaded = await ctx.registry.loadModel(record.name, record.version);
        return loadAnomalyDetector(loaded.artifact!, meta);
      });
      s = { modelId: record.id, key, name: record.name, version: record.version, threshold: meta.threshold, policy: policyRef(policy), detector };
    }
    serving.set(assetId, s);
    return s;
  }

  function stateOf(assetId: string, model: Serving): AssetOnlineState {
    const have = working.get(assetId) ?? states.get(assetId);
    if (have && have.modelId === model.modelId) {
      const st = structuredClone(have);
      return samePolicy(st.policy, model.policy) ? st : rebaseOnPolicy(st, model.policy, model.threshold);
    }
    const k = model.detector.sensors.length;
    return { modelId: model.modelId, policy: model.policy, latest: new Array<number | null>(k).fill(null), latestTs: new Array<number | null>(k).fill(null), scorer: null, onsetAt: null, peak: 0, lastScore: null };
  }

  /** One batched pass of the model over the run's rows: in the worker when it runs, else here, with the same arithmetic. */
  async function pass(run: AssetRun): Promise<OnlineStep> {
    const cuts = run.touches.map((t) => t.at.length);
    const spec = run.model.detector.online;
    if (worker?.usable && spec) {
      try {
        return await worker.step(run.model.key, spec, run.st.scorer, Float64Array.from(run.matrix), cuts);
      } catch (err) {
        if (!(err instanceof OnlineWorkerGone)) throw err;
      }
    }
    const scorer = run.model.detector.createOnline(run.st.scorer ?? undefined);
    return stepThroughCuts(scorer, Float64Array.from(run.matrix), cuts, run.model.detector.sensors.length);
  }

  /** Walks the scores batch by batch: the alarm's transitions become events, and each batch gets the state it leads to. */
  function settle(assetId: string, run: AssetRun, { scores, snapshots }: OnlineStep): void {
    const { model, st } = run;
    const onsets = new Map(scores.onsets);
    let n = 0;
    run.touches.forEach((t, c) => {
      for (const ts of t.at) {
        const score = scores.score[n]!;
        st.lastScore = score;
        if (isAnomaly(scores, n)) st.peak = Math.max(st.peak, score);
        if (isOnset(scores, n)) {
          st.onsetAt = ts;
          st.peak = score;
          const contributions = (onsets.get(n) ?? []).map((s) => ({ sensor_id: s.sensor, share: s.share }));
          const iso = toIso(ts);
          t.emits.push((tx) => tx.emit('anomaly.onset', { asset_id: assetId, at: iso, score, threshold: model.detector.threshold, model_name: model.name, model_version: model.version, ...model.policy, contributions }));
        } else if (isCleared(scores, n)) {
          const onsetAt = st.onsetAt === null ? null : toIso(st.onsetAt);
          const iso = toIso(ts);
          const peak = st.peak;
          t.emits.push((tx) => tx.emit('anomaly.cleared', { asset_id: assetId, at: iso, onset_at: onsetAt, peak_score: peak, model_name: model.name, model_version: model.version, ...model.policy }));
          st.onsetAt = null;
          st.peak = 0;
        }
        n++;
      }
      if (t.at.length > 0) st.scorer = snapshots[c]!;
      t.state = { modelId: st.modelId, policy: st.policy, latest: t.latest, latestTs: t.latestTs, scorer: st.scorer, onsetAt: st.onsetAt, peak: st.peak, lastScore: st.lastScore };
    });
  }

  /** Scores consecutive readings.stored events; returns each one's writes. */
  async function scoreRun(events: readonly StoredEvent[]): Promise<Array<TxWork | void>> {
    if (ctx.disabled || !hasAnyModel()) return events.map(() => undefined);
    const touches: Touch[][] = events.map(() => []);
    const runs = new Map<string, AssetRun>();
    for (const [k, e] of events.entries()) {
      for (const assetId of assetsOf(ctx, e)) {
        const model = await servingFor(assetId, e.seq);
        if (!model) continue;
        const readings = readingsOf(ctx, e, model.detector.sensors);
        if (readings.length === 0) continue;
        let run = runs.get(assetId);
        if (!run) {
          run = { model, st: stateOf(assetId, model), matrix: [], touches: [] };
          runs.set(assetId, run);
        }
        const at = formRows(run.st, readings, run.matrix);
        const t: Touch = { assetId, at, latest: [...run.st.latest], latestTs: [...run.st.latestTs], emits: [] };
        run.touches.push(t);
        touches[k]!.push(t);
      }
    }
    for (const [assetId, run] of runs) {
      const step = run.matrix.length > 0 ? await pass(run) : { scores: packScores([]), snapshots: [] };
      settle(assetId, run, step);
      working.set(assetId, run.touches[run.touches.length - 1]!.state!);
    }
    return touches.map((list) => {
      if (list.length === 0) return undefined;
      return (tx: Tx) => {
        for (const t of list) states.put(tx, t.assetId, t.state!);
        for (const t of list) for (const f of t.emits) f(tx);
      };
    });
  }

  async function handleMany(events: readonly StoredEvent[]): Promise<Array<TxWork | void>> {
    const out: Array<TxWork | void> = [];
    for (let i = 0; i < events.length; ) {
      const type = events[i]!.type;
      if (type === 'alarm_policy.changed') {
        // The same model under another revision: only this asset looks again. The worker drops
        // what it was sent (the others are sent again on their next step), so old revisions do not pile up.
        serving.delete((events[i]!.payload as { asset_id: string }).asset_id);
        worker?.forget();
        out.push(undefined);
        i++;
        continue;
      }
      if (type !== 'readings.stored') {
        // A new or promoted model may change what serves an asset: look again.
        serving.clear();
        worker?.forget();
        anyModel = undefined;
        out.push(undefined);
        i++;
        continue;
      }
      let j = i;
      while (j < events.length && events[j]!.type === 'readings.stored') j++;
      out.push(...(await scoreRun(events.slice(i, j))));
      i = j;
    }
    return out;
  }

  return {
    name: ONLINE_SCORING,
    types: ['readings.stored', 'model.trained', 'model.promoted', 'alarm_policy.changed'],
    async handle(e) {
      return (await handleMany([e]))[0];
    },
    handleMany,
    reset() {
      working.clear();
      serving.clear();
      anyModel = undefined;
    },
  };
}
