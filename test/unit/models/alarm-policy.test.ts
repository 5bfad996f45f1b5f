import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Outbox } from '../../../main/core/backbone';
import { applyPolicy } from '../../../main/core/domains/models/policy/apply-policy';
import { rebaseOnPolicy, samePolicy } from '../../../main/core/domains/models/policy/online-policy';
import { NO_SETTINGS, PolicyRepo } from '../../../main/core/domains/models/policy/policy-repo';
import { WriteQueue, type Tx } from '../../../main/core/platform/write-queue';
import { openDatabase } from '../../helpers/registry';

// The pieces of alarm policies below the API: how a policy merges into a
// model's calibration, which revision was in force at an event's seq, and
// how a live alarm state carries over a change.

const model = { threshold: 2, hysteresis: { enterSteps: 36, immediateRatio: 1.5, exitSteps: 24, exitRatio: 0.9 }, window: 16 };

describe('applyPolicy', () => {
  it('is the model itself without a policy, and replaces only the settings a policy sets', () => {
    expect(applyPolicy(model, null)).toBe(model);
    expect(applyPolicy(model, NO_SETTINGS)).toEqual(model);
    const p = applyPolicy(model, { ...NO_SETTINGS, threshold_factor: 1.5, exit_steps: 3 });
    expect(p).toEqual({ threshold: 3, hysteresis: { enterSteps: 36, immediateRatio: 1.5, exitSteps: 3, exitRatio: 0.9 }, window: 16 });
    expect(model.threshold).toBe(2);
  });
});

describe('policy revisions by seq', () => {
  it('answers the revision announced before a seq, none after a deletion, and never reuses a revision', () => {
    const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'smc-policy-repo-')), 'station.db'));
    const repo = new PolicyRepo(db);
    const w = new WriteQueue(db, () => 1_000, new Outbox(db));
    const change = (f: (tx: Tx, seq: number) => void) => w.writeNow((tx) => {
      const seq = tx.reserveSeq();
      f(tx, seq);
      tx.emit('alarm_policy.changed', { asset_id: 'a', policy_id: null, revision: 0, change: 'deleted', ...NO_SETTINGS }, { seq });
      return seq;
    });
    let first = 0;
    const s1 = change((tx, seq) => (first = repo.set(tx, 'a', { ...NO_SETTINGS, threshold_factor: 2 }, 'op', seq).revision));
    const s2 = change((tx, seq) => repo.set(tx, 'a', { ...NO_SETTINGS, enter_steps: 5 }, 'op', seq));
    const s3 = change((tx, seq) => repo.remove(tx, 'a', 'op', seq));
    const s4 = change((tx, seq) => repo.set(tx, 'a', { ...NO_SETTINGS, exit_ratio: 0.5 }, 'op', seq));
    expect(first).toBe(1);
    expect(repo.inForceAt('a', s1)).toBeNull();
    expect(repo.inForceAt('a', s1 + 1)).toMatchObject({ revision: 1, threshold_factor: 2 });
    expect(repo.inForceAt('a', s2 + 1)).toMatchObject({ revision: 2, threshold_factor: null, enter_steps: 5 });
    expect(repo.inForceAt('a', s3 + 1)).toBeNull();
    expect(repo.inForceAt('a', s4 + 1)).toMatchObject({ revision: 4, exit_ratio: 0.5 });
    expect(repo.get('a')).toMatchObject({ revision: 4 });
    expect(repo.inForceAt('a', s4 + 1)!.policyId).not.toBe(repo.history('a').find((r) => r.revision === 1)!.policyId);
    expect(w.writeNow((tx) => repo.remove(tx, 'b', 'op', 99))).toBeNull();
    db.close();
  });
});

describe('a policy change in a live stream', () => {
  it('keeps the window and whether the alarm is on, and starts the enter and exit counts again', () => {
    const scorer = { version: 1 as const, window: 2, sensors: 1, threshold: 2, filled: 2, rows: [0.1, 0.2], above: 0, below: 7, active: 1 };
    const st = { modelId: 'm', latest: [1], latestTs: [5], scorer, onsetAt: 4, peak: 9, lastScore: 3 };
    const next = { policy_id: 'p', policy_revision: 1 };
    expect(samePolicy(undefined, { policy_id: null, policy_revision: null })).toBe(true);
    expect(samePolicy(undefined, next)).toBe(false);
    const r = rebaseOnPolicy(st, next, 6);
    expect(r.scorer).toEqual({ ...scorer, threshold: 6, above: 0, below: 0 });
    expect(r).toMatchObject({ policy: next, onsetAt: 4, peak: 9, latest: [1] });
    expect(st.scorer.threshold).toBe(2);
  });
});
