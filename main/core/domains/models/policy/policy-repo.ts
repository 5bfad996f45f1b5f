import { POLICY_FIELDS, type PolicySettings } from '../../../../../contract/models';
import type { Db } from '../../../platform/db';
import { newId } from '../../../platform/ids';
import type { Tx } from '../../../platform/write-queue';

// Alarm policies in SQLite (migration 0013): the one in force per asset and
// every revision. Writes run in the caller's write job, which also records
// the audit entry and the alarm_policy.changed event, so the three commit
// together or not at all.

export interface StoredPolicy extends PolicySettings {
  assetId: string;
  policyId: string;
  revision: number;
  updatedAt: number;
  updatedBy: string | null;
}

export interface PolicyRevision extends PolicySettings {
  revision: number;
  policyId: string | null;
  change: 'set' | 'deleted';
  changedAt: number;
  changedBy: string | null;
}

interface PolicyRow extends PolicySettings {
  asset_id: string;
  policy_id: string;
  revision: number;
  updated_at: number;
  updated_by: string | null;
}

interface RevisionRow extends PolicySettings {
  revision: number;
  policy_id: string | null;
  change: 'set' | 'deleted';
  changed_at: number;
  changed_by: string | null;
}

const COLS = POLICY_FIELDS.join(', ');

export const NO_SETTINGS: PolicySettings = { threshold_factor: null, enter_steps: null, immediate_ratio: null, exit_steps: null, exit_ratio: null };

export function settingsOf(s: PolicySettings): PolicySettings {
  return { threshold_factor: s.threshold_factor, enter_steps: s.enter_steps, immediate_ratio: s.immediate_ratio, exit_steps: s.exit_steps, exit_ratio: s.exit_ratio };
}

export function setsNothing(s: PolicySettings): boolean {
  return POLICY_FIELDS.every((f) => s[f] === null);
}

function toPolicy(r: PolicyRow): StoredPolicy {
  return { assetId: r.asset_id, policyId: r.policy_id, revision: r.revision, updatedAt: r.updated_at, updatedBy: r.updated_by, ...settingsOf(r) };
}

export class PolicyRepo {
  private readonly getStmt;
  private readonly listStmt;
  private readonly lastRevisionStmt;
  private readonly historyStmt;
  private readonly upsertStmt;
  private readonly deleteStmt;
  private readonly revisionStmt;
  private readonly atSeqStmt;

  constructor(db: Db) {
    this.getStmt = db.prepare<[string], PolicyRow>(`SELECT asset_id, policy_id, revision, ${COLS}, updated_at, updated_by FROM alarm_policies WHERE asset_id = ?`);
    this.listStmt = db.prepare<[], PolicyRow>(`SELECT asset_id, policy_id, revision, ${COLS}, updated_at, updated_by FROM alarm_policies ORDER BY asset_id`);
    this.lastRevisionStmt = db.prepare<[string], number | null>('SELECT MAX(revision) FROM alarm_policy_revisions WHERE asset_id = ?').pluck();
    this.historyStmt = db.prepare<[string], RevisionRow>(`SELECT revision, policy_id, change, ${COLS}, changed_at, changed_by FROM alarm_policy_revisions WHERE asset_id = ? ORDER BY revision DESC`);
    this.upsertStmt = db.prepare(`
      INSERT INTO alarm_policies (asset_id, policy_id, revision, ${COLS}, updated_at, updated_by)
      VALUES (@asset_id, @policy_id, @revision, @threshold_factor, @enter_steps, @immediate_ratio, @exit_steps, @exit_ratio, @at, @by)
      ON CONFLICT (asset_id) DO UPDATE SET policy_id = excluded.policy_id, revision = excluded.revision,
        threshold_factor = excluded.threshold_factor, enter_steps = excluded.enter_steps, immediate_ratio = excluded.immediate_ratio,
        exit_steps = excluded.exit_steps, exit_ratio = excluded.exit_ratio, updated_at = excluded.updated_at, updated_by = excluded.updated_by`);
    this.deleteStmt = db.prepare<[string]>('DELETE FROM alarm_policies WHERE asset_id = ?');
    this.revisionStmt = db.prepare(`
      INSERT INTO alarm_policy_revisions (asset_id, revision, policy_id, change, ${COLS}, changed_at, changed_by, seq)
      VALUES (@asset_id, @revision, @policy_id, @change, @threshold_factor, @enter_steps, @immediate_ratio, @exit_steps, @exit_ratio, @at, @by, @seq)`);
    this.atSeqStmt = db.prepare<[string, number], RevisionRow>(
      `SELECT revision, policy_id, change, ${COLS}, changed_at, changed_by FROM alarm_policy_revisions WHERE asset_id = ? AND seq < ? ORDER BY seq DESC LIMIT 1`,
    );
  }

  get(assetId: string): StoredPolicy | null {
    const r = this.getStmt.get(assetId);
    return r ? toPolicy(r) : null;
  }

  list(): StoredPolicy[] {
    return this.listStmt.all().map(toPolicy);
  }

  history(assetId: string): PolicyRevision[] {
    return this.historyStmt.all(assetId).map((r) => ({ revision: r.revision, policyId: r.policy_id, change: r.change, changedAt: r.changed_at, changedBy: r.changed_by, ...settingsOf(r) }));
  }

  /**
   * The policy in force for events before `seq`: the last revision announced
   * before it (null when none, or when it was a deletion).
   */
  inForceAt(assetId: string, seq: number): StoredPolicy | null {
    const r = this.atSeqStmt.get(assetId, seq);
    if (!r || r.change === 'deleted' || r.policy_id === null) return null;
    return { assetId, policyId: r.policy_id, revision: r.revision, updatedAt: r.changed_at, updatedBy: r.changed_by, ...settingsOf(r) };
  }

  /**
   * Stores `settings` as the asset's policy under the next revision; the
   * policy keeps its id while it exists. `seq` is that of the event that
   * announces the change (reserved before it is emitted).
   */
  set(tx: Tx, assetId: string, settings: PolicySettings, by: string | null, seq: number): StoredPolicy {
    const policyId = this.get(assetId)?.policyId ?? newId();
    const revision = this.nextRevision(assetId);
    const row = { asset_id: assetId, policy_id: policyId, revision, ...settingsOf(settings), at: tx.now, by };
    this.upsertStmt.run(row);
    this.revisionStmt.run({ ...row, change: 'set', seq });
    return this.get(assetId)!;
  }

  /** Removes the asset's policy, recorded as a revision announced at `seq`; null when there was none (nothing changes). */
  remove(tx: Tx, assetId: string, by: string | null, seq: number): number | null {
    if (!this.get(assetId)) return null;
    const revision = this.nextRevision(assetId);
    this.deleteStmt.run(assetId);
    this.revisionStmt.run({ asset_id: assetId, revision, policy_id: null, change: 'deleted', ...NO_SETTINGS, at: tx.now, by, seq });
    return revision;
  }

  private nextRevision(assetId: string): number {
    return (this.lastRevisionStmt.get(assetId) ?? 0) + 1;
  }
}
