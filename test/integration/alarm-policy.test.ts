import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyOf, feed, trainedMill, type Plan } from '../helpers/online-feed';
import { importAi4iAsset } from '../helpers/ml-data';
import { startStation, type TestStation } from '../helpers/station';

// Alarm policies change when an asset alarms, not what its model scores:
// over real HTTP on a real SQLite file, one trained model (mill-1, AI4I)
// and stations started from copies of it. A calmer or slower policy set
// through the API, with the station running, changes the alarms of online
// scoring and of detect-anomaly at once — the model is never retrained —
// and every result names the policy revision it was decided under.

const ASSET = 'mill-1';
const POLICY = `/api/v1/ml/policies/${ASSET}`;
/**
 * Normal rows, a torque fault, normal again: an onset and a clear under the
 * model's calibration. The fault is moderate (a few tens of times the
 * threshold), so that a policy within its bounds can hold it back, and
 * lasts 100 rows: a model of several sensors raises its alarm after 72 rows
 * above the threshold (CALIBRATION_SEVERAL). The first four batches end
 * inside the fault, with the alarm on.
 */
const PLAN: Plan = [[0, 30], [30, 60], [60, 100, 75], [100, 160, 75], [160, 200], [200, 240]];

type Ev = { type: string; payload: Record<string, unknown> };
const anomalyEvents = async (s: TestStation): Promise<Ev[]> => (await s.request('GET', '/api/v1/events?types=anomaly.onset,anomaly.cleared')).body.events;
const onlineState = (s: TestStation) => JSON.parse(s.station.db.prepare('SELECT state FROM online_scoring_state WHERE asset_id = ?').pluck().get(ASSET) as string) as Record<string, any>;
const versions = async (s: TestStation) => (await s.request('GET', '/api/v1/ml/models/anomaly.mill-1/versions')).body.versions.length as number;

describe('alarm policies', () => {
  let trained: string;
  const open: TestStation[] = [];
  const station = async (name: string) => {
    const { s } = await copyOf(trained, name);
    open.push(s);
    return s;
  };

  beforeAll(async () => {
    trained = await trainedMill();
  }, 180_000);
  afterAll(async () => {
    for (const s of open) await s.stop();
  });

  it('shows the model\'s calibration as the policy of an asset without one, and refuses bad settings naming each field', async () => {
    const s = await station('read');
    const none = await s.request('GET', POLICY);
    expect(none.status, none.text).toBe(200);
    expect(none.body).toMatchObject({ asset_id: ASSET, policy: null, model: { model_name: 'anomaly.mill-1', model_version: 1 } });
    expect(none.body.threshold).toBe(none.body.model_threshold);
    for (const f of ['threshold_factor', 'enter_steps', 'immediate_ratio', 'exit_steps', 'exit_ratio']) {
      expect(none.body.fields[f].source).toBe('model');
      expect(none.body.fields[f].value).toBe(none.body.fields[f].default);
      expect(typeof none.body.fields[f].default).toBe('number');
    }
    expect(none.body.fields.threshold_factor.default).toBe(1);

    const bad = await s.request('PUT', POLICY, { body: { threshold_factor: 0, enter_steps: 2.5, immediate_ratio: 0.5, exit_steps: -1, exit_ratio: 1.5 } });
    expect(bad.status, bad.text).toBe(422);
    expect(bad.body.error.code).toBe('validation_failed');
    const paths = (bad.body.error.details as Array<{ path: string }>).map((d) => d.path).sort();
    expect(paths).toEqual(['enter_steps', 'exit_ratio', 'exit_steps', 'immediate_ratio', 'threshold_factor']);
    for (const body of [{ threshold_factor: 101 }, { threshold_factor: 'high' }, { enter_steps: 10_001 }, { exit_ratio: 0 }, { sensitivity: 2 }]) {
      const r = await s.request('PATCH', POLICY, { body });
      expect(r.status, `${JSON.stringify(body)}: ${r.text}`).toBe(422);
    }
    expect((await s.request('GET', '/api/v1/ml/policies')).body.policies).toEqual([]);

    expect((await s.request('PUT', '/api/v1/ml/policies/no-such-asset', { body: { threshold_factor: 2 } })).status).toBe(404);
    const reader = await s.createKey(['read']);
    expect((await s.request('PUT', POLICY, { body: { threshold_factor: 2 }, key: reader })).status).toBe(403);
    expect((await s.request('GET', POLICY, { key: reader })).status).toBe(200);
  }, 60_000);

  it('numbers every change, audits it and announces it; delete returns to the model\'s calibration', async () => {
    const s = await station('revisions');
    const put = await s.request('PUT', POLICY, { body: { threshold_factor: 2, enter_steps: 40 } });
    expect(put.status, put.text).toBe(200);
    expect(put.body.policy).toMatchObject({ revision: 1, threshold_factor: 2, enter_steps: 40, exit_ratio: null });
    expect(put.body.threshold).toBeCloseTo(put.body.model_threshold * 2, 5);
    expect(put.body.fields.enter_steps).toMatchObject({ value: 40, source: 'policy' });
    expect(put.body.fields.exit_ratio.source).toBe('model');
    const id = put.body.policy.policy_id as string;

    // PATCH: null returns a setting to the model, an absent one stays.
    const patch = await s.request('PATCH', POLICY, { body: { enter_steps: null, exit_steps: 3 } });
    expect(patch.body.policy).toMatchObject({ policy_id: id, revision: 2, threshold_factor: 2, enter_steps: null, exit_steps: 3 });
    expect(patch.body.fields.enter_steps.source).toBe('model');

    const del = await s.request('DELETE', POLICY);
    expect(del.status, del.text).toBe(200);
    expect(del.body.policy).toBeNull();
    expect(del.body.threshold).toBe(del.body.model_threshold);

    const history = await s.request('GET', `${POLICY}/revisions`);
    expect(history.body.revisions.map((r: { revision: number; change: string }) => [r.revision, r.change])).toEqual([[3, 'deleted'], [2, 'set'], [1, 'set']]);
    // A policy set again after a deletion is another policy: a new id, and the revisions go on.
    const again = await s.request('PUT', POLICY, { body: { exit_ratio: 0.5 } });
    expect(again.body.policy.revision).toBe(4);
    expect(again.body.policy.policy_id).not.toBe(id);

    const events = (await s.request('GET', '/api/v1/events?types=alarm_policy.changed')).body.events as Ev[];
    expect(events.map((e) => [e.payload.revision, e.payload.change])).toEqual([[1, 'set'], [2, 'set'], [3, 'deleted'], [4, 'set']]);
    const audit = (await s.request('GET', '/api/v1/admin/audit')).body.entries as Array<{ action: string; target: string }>;
    expect(audit.filter((e) => e.action.startsWith('ml.policies.')).map((e) => e.action).sort()).toEqual(['ml.policies.delete', 'ml.policies.patch', 'ml.policies.put', 'ml.policies.put']);
    expect(await versions(s)).toBe(1);
  }, 60_000);

  it('changes the alarms of detect-anomaly without retraining, and names the revision used', async () => {
    const s = await station('detect');
    await feed(s, PLAN);
    const detect = () => s.request('POST', '/api/v1/ml/detect-anomaly', { body: { asset_id: ASSET, scores: 200 } });
    const before = await detect();
    expect(before.status, before.text).toBe(200);
    expect(before.body.anomaly_count).toBeGreaterThanOrEqual(1);
    expect(before.body.alarm_policy).toMatchObject({ policy_id: null, policy_revision: null, threshold_factor: 1 });

    // Far above every score of the fault: no alarm, from the same model.
    const peak = Math.max(...(before.body.anomalies as Array<{ peak_score: number }>).map((a) => a.peak_score));
    const factor = Math.min(100, Math.ceil((2 * peak) / before.body.threshold));
    const put = await s.request('PUT', POLICY, { body: { threshold_factor: factor } });
    expect(put.status, put.text).toBe(200);
    const calm = await detect();
    expect(calm.body.anomaly_count).toBe(0);
    expect(calm.body.threshold).toBeCloseTo(before.body.threshold * factor, 3);
    expect(calm.body.alarm_policy).toMatchObject({ policy_id: put.body.policy.policy_id, policy_revision: 1, threshold_factor: factor });
    expect(calm.body.scores.some((p: { above_threshold: boolean }) => p.above_threshold)).toBe(false);
    expect(calm.body.model_info).toEqual(before.body.model_info);

    // Back to the model's calibration: the same anomalies as before.
    await s.request('DELETE', POLICY);
    const back = await detect();
    expect(back.body.anomalies).toEqual(before.body.anomalies);
    expect(back.body.alarm_policy.policy_revision).toBeNull();
    expect(await versions(s)).toBe(1);
  }, 120_000);

  it('decides the statistical fallback\'s alarms too, for an asset with no model', async () => {
    const s = await startStation();
    open.push(s);
    await importAi4iAsset(s, ASSET, 2_000);
    await feed(s, PLAN);
    const detect = () => s.request('POST', '/api/v1/ml/detect-anomaly', { body: { asset_id: ASSET, scores: 200 } });
    const before = await detect();
    expect(before.status, before.text).toBe(200);
    expect(before.body.model_info.method).toBe('statistical');
    expect(before.body.anomaly_count).toBeGreaterThanOrEqual(1);
    expect(before.body.alarm_policy).toMatchObject({ policy_id: null, policy_revision: null, threshold_factor: 1 });
    const calibrated = before.body.alarm_policy.enter_steps as number;
    expect(calibrated).toBeGreaterThan(1);

    const peak = Math.max(...(before.body.anomalies as Array<{ peak_score: number }>).map((a) => a.peak_score));
    const factor = Math.min(100, Math.ceil((2 * peak) / before.body.threshold));
    const put = await s.request('PUT', POLICY, { body: { threshold_factor: factor, enter_steps: calibrated + 5 } });
    expect(put.status, put.text).toBe(200);
    const calm = await detect();
    expect(calm.status, calm.text).toBe(200);
    expect(calm.body.model_info.method).toBe('statistical');
    expect(calm.body.anomaly_count).toBe(0);
    expect(calm.body.threshold).toBeCloseTo(before.body.threshold * factor, 3);
    expect(calm.body.alarm_policy).toMatchObject({ policy_id: put.body.policy.policy_id, policy_revision: 1, threshold_factor: factor, enter_steps: calibrated + 5 });
    // The scores are the detector's own: the policy only moves the bar.
    expect(calm.body.scores.map((p: { score: number }) => p.score)).toEqual(before.body.scores.map((p: { score: number }) => p.score));

    await s.request('DELETE', POLICY);
    const back = await detect();
    expect(back.body.anomalies).toEqual(before.body.anomalies);
    expect(back.body.alarm_policy).toMatchObject({ policy_id: null, policy_revision: null, threshold_factor: 1, enter_steps: calibrated });
  }, 120_000);

  it('applies a policy changed mid-stream to online scoring at once, without retraining or restarting', async () => {
    // The reference: the model's calibration raises one alarm on the torque fault and clears it.
    const ref = await station('online-ref');
    await feed(ref, PLAN);
    const reference = await anomalyEvents(ref);
    expect(reference.map((e) => e.type)).toEqual(['anomaly.onset', 'anomaly.cleared']);
    expect(reference[0]!.payload).toMatchObject({ policy_id: null, policy_revision: null });

    // The same live stream, with a longer enter delay than the fault lasts and no immediate entry, set after the first two batches.
    const slow = await station('online-slow');
    await feed(slow, PLAN.slice(0, 2));
    const before = onlineState(slow);
    const put = await slow.request('PUT', POLICY, { body: { enter_steps: 200, immediate_ratio: 1000 } });
    expect(put.status, put.text).toBe(200);
    await feed(slow, PLAN.slice(2));
    expect(await anomalyEvents(slow)).toEqual([]);
    const after = onlineState(slow);
    expect(after.policy).toEqual({ policy_id: put.body.policy.policy_id, policy_revision: 1 });
    // The window carried on through the change: the same model's state, not a fresh one.
    expect(after.modelId).toBe(before.modelId);
    expect(after.scorer.filled).toBe(before.scorer.filled);

    // A policy that still alarms: its onset and clear name the revision, and the short exit delay clears no later.
    const quick = await station('online-quick');
    const q = await quick.request('PUT', POLICY, { body: { exit_steps: 1 } });
    await feed(quick, PLAN);
    const events = await anomalyEvents(quick);
    expect(events.map((e) => e.type)).toEqual(['anomaly.onset', 'anomaly.cleared']);
    for (const e of events) expect(e.payload).toMatchObject({ policy_id: q.body.policy.policy_id, policy_revision: 1 });
    expect(Date.parse(events[1]!.payload.at as string)).toBeLessThanOrEqual(Date.parse(reference[1]!.payload.at as string));
    expect(await versions(quick)).toBe(1);
  }, 180_000);

  it('rebases an alarm that is on when the policy becomes calmer mid-fault: it clears once, without a flap', async () => {
    const s = await station('online-calm');
    await feed(s, PLAN.slice(0, 4)); // into the fault: the alarm is on
    expect((await anomalyEvents(s)).map((e) => e.type)).toEqual(['anomaly.onset']);
    const put = await s.request('PUT', POLICY, { body: { threshold_factor: 100 } });
    expect(put.status, put.text).toBe(200);
    await feed(s, PLAN.slice(4));
    const events = await anomalyEvents(s);
    expect(events.map((e) => e.type)).toEqual(['anomaly.onset', 'anomaly.cleared']);
    expect(events[1]!.payload).toMatchObject({ policy_revision: 1 });
    expect(onlineState(s).scorer.active).toBe(0);
  }, 120_000);
});
