import type { PolicyRef } from '../../../../contract/models';
import type { OnlineScorerState } from '../../ml/anomaly';
import type { Db } from '../../platform/db';
import type { Tx } from '../../platform/write-queue';

/** Online scoring's state for one asset: what the window holds and where the alarm stands. */
export interface AssetOnlineState {
  /** Registry id of the model version this state belongs to; another version starts afresh. */
  modelId: string;
  /** The alarm policy revision the alarm state was decided under (absent in states saved before policies existed: none). */
  policy?: PolicyRef;
  /** Latest value of each of the model's sensors (null until it reported). */
  latest: Array<number | null>;
  /** Timestamp of each sensor's latest value: older readings (a backfill) are not fed to the live window. */
  latestTs: Array<number | null>;
  scorer: OnlineScorerState | null;
  onsetAt: number | null;
  peak: number;
  lastScore: number | null;
}

export class OnlineStateRepo {
  private readonly getStmt;
  private readonly putStmt;

  constructor(private readonly db: Db) {
    this.getStmt = db.prepare<[string], { state: string }>('SELECT state FROM online_scoring_state WHERE asset_id = ?');
    this.putStmt = db.prepare<[string, string, string, number]>(
      'INSERT INTO online_scoring_state (asset_id, model_id, state, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (asset_id) DO UPDATE SET model_id = excluded.model_id, state = excluded.state, updated_at = excluded.updated_at',
    );
  }

  get(assetId: string): AssetOnlineState | undefined {
    const row = this.getStmt.get(assetId);
    return row ? (JSON.parse(row.state) as AssetOnlineState) : undefined;
  }

  put(tx: Tx, assetId: string, s: AssetOnlineState): void {
    this.putStmt.run(assetId, s.modelId, JSON.stringify(s), tx.now);
  }
}
