import { ensureBackend } from '../runtime/backend';
import { loadAnomalyDetector, type AnomalyDetector, type AnomalyModelMeta, type OnlineAnomalyScorer, type OnlineScore } from '../anomaly';
import { resolveFor, type MlContext } from './ml-context';

// Online scoring of each new reading against its asset's anomaly model —
// the interface the agent pipeline calls. An asset's model sees one row per
// reading of its first sensor (the model's clock), holding the latest value
// of every other sensor; until each sensor has reported once, nothing is
// scored. An alarm onset is recorded as an `ml.anomaly` event naming the
// sensors that contributed most.

export interface ObservedReading { sensor_id: string; timestamp: number; value: number }

export interface AssetScore extends OnlineScore { assetId: string; at: number; model: { name: string; version: number } }

interface AssetState {
  checkedAt: number;
  recordId: string | null;
  model: { name: string; version: number } | null;
  detector: AnomalyDetector | null;
  scorer: OnlineAnomalyScorer | null;
  index: Map<string, number>;
  latest: Float64Array;
  seen: number;
  last: AssetScore | null;
}

/** How often an asset's serving model is looked up again (promotions, new versions). */
const RESOLVE_EVERY_MS = 10_000;

export class OnlineScoring {
  private readonly assets = new Map<string, AssetState>();
  private modelsCheckedAt = -Infinity;
  private hasModels = false;

  constructor(private readonly ctx: MlContext) {}

  /** Scores readings just committed; returns the scores produced (one per clock-sensor reading). */
  observe(readings: readonly ObservedReading[]): AssetScore[] {
    // Ingest is a hot path: without any anomaly model there is nothing to do.
    if (this.ctx.disabled || !this.anyModel()) return [];
    const out: AssetScore[] = [];
    const assetOf = new Map<string, string | null>(); // one sensor lookup per batch, not per reading
    for (const r of [...readings].sort((a, b) => a.timestamp - b.timestamp)) {
      let assetId = assetOf.get(r.sensor_id);
      if (assetId === undefined) {
        assetId = this.ctx.sensors.get(r.sensor_id)?.asset_id ?? null;
        assetOf.set(r.sensor_id, assetId);
      }
      if (!assetId) continue;
      const state = this.stateOf(assetId);
      if (!state.scorer || !state.detector || !state.model) continue;
      const i = state.index.get(r.sensor_id);
      if (i === undefined) continue;
      if (Number.isNaN(state.latest[i]!)) state.seen++;
      state.latest[i] = r.value;
      if (i !== 0 || state.seen < state.latest.length) continue;
      const score = state.scorer.push(state.latest);
      const result: AssetScore = { ...score, assetId, at: r.timestamp, model: state.model };
      state.last = result;
      out.push(result);
      if (score.onset) this.recordOnset(result);
    }
    return out;
  }

  private anyModel(): boolean {
    const now = this.ctx.now();
    if (now - this.modelsCheckedAt >= RESOLVE_EVERY_MS) {
      this.modelsCheckedAt = now;
      this.hasModels = this.ctx.registry.list({ kind: 'anomaly' }).length > 0;
    }
    return this.hasModels;
  }

  /** The latest online score of an asset, if its model has scored anything. */
  latest(assetId: string): AssetScore | null {
    return this.assets.get(assetId)?.last ?? null;
  }

  private stateOf(assetId: string): AssetState {
    let state = this.assets.get(assetId);
    const now = this.ctx.now();
    if (state && now - state.checkedAt < RESOLVE_EVERY_MS) return state;
    const resolved = resolveFor(this.ctx, 'anomaly', assetId, 'auto');
    const recordId = resolved.record?.id ?? null;
    if (state && state.recordId === recordId) {
      state.checkedAt = now;
      return state;
    }
    state = { checkedAt: now, recordId, model: null, detector: null, scorer: null, index: new Map(), latest: new Float64Array(0), seen: 0, last: null };
    this.assets.set(assetId, state);
    if (resolved.record) {
      const { record } = resolved;
      const s = state;
      // Loading is asynchronous: readings before it completes are not scored.
      void (async () => {
        await ensureBackend();
        const detector = await this.ctx.cache.get(record.id, async () => {
          const loaded = await this.ctx.registry.loadModel(record.name, record.version);
          return loadAnomalyDetector(loaded.artifact!, loaded.meta as AnomalyModelMeta);
        });
        if (this.assets.get(assetId) !== s) return;
        s.detector = detector;
        s.scorer = detector.createOnline();
        s.index = new Map(detector.sensors.map((id, i) => [id, i]));
        s.latest = new Float64Array(detector.sensors.length).fill(NaN);
        s.model = { name: record.name, version: record.version };
      })().catch((err: unknown) => this.ctx.log.warn({ err, model: record.name }, 'online scoring: model failed to load'));
    }
    return state;
  }

  private recordOnset(s: AssetScore): void {
    try {
      this.ctx.events.append({
        type: 'ml.anomaly',
        subject: s.assetId,
        payload: { asset_id: s.assetId, at: s.at, score: s.score, model: s.model, contributions: s.contributions },
      }, this.ctx.now());
    } catch (err) {
      this.ctx.log.error({ err, asset: s.assetId }, 'online scoring: could not record an anomaly event');
    }
  }
}
