import { afterEach, describe, expect, it } from 'vitest';
import { spawnServe, type ServeProcess } from '../helpers/serve-process';
import { cmapssCsv, importAi4iAsset, waitForJob } from '../helpers/ml-data';
import { ADMIN_KEY, startStation, tempDir, type TestStation } from '../helpers/station';

// Training jobs as an operator depends on them: refused up front when the
// model worker cannot run (never accepted and failed at 0 %), bounded so
// queued uploads cannot fill memory, named safely before any training,
// and kept across a restart — one the station died during shows as
// interrupted, never as running or forgotten.

let s: TestStation | undefined;
let serve: ServeProcess | undefined;
afterEach(async () => {
  await s?.stop();
  s = undefined;
  if (serve && serve.child.exitCode === null && serve.child.signalCode === null) {
    serve.child.kill('SIGKILL');
    await new Promise((r) => serve!.child.once('exit', r));
  }
  serve = undefined;
});

describe('training jobs', () => {
  it('reports a model worker that cannot start as degraded, and refuses training up front', async () => {
    s = await startStation({}, { station: { mlWorkerScript: '/nonexistent/out/main/ml-worker.js' } });
    await importAi4iAsset(s, 'mill-1', 400);
    const health = await s.request('GET', '/api/v1/ml/health');
    expect(health.body).toMatchObject({ status: 'degraded', model_loading: 'enabled', worker: { state: 'unavailable' } });
    expect(health.body.worker.error).toMatch(/ml-worker\.js/);
    const train = await s.request('POST', '/api/v1/ml/train', { body: { kind: 'anomaly', asset_id: 'mill-1', epochs: 1 } });
    expect(train.status).toBe(503);
    expect(train.body.error.message).toMatch(/model worker/);
    expect((await s.request('GET', '/api/v1/ml/jobs')).body.jobs).toEqual([]);
  });

  it('reports a working worker as ready once it has answered', async () => {
    s = await startStation();
    for (let i = 0; i < 100; i++) {
      const h = await s.request('GET', '/api/v1/ml/health');
      if (h.body.worker.state === 'ready') {
        expect(h.body).toMatchObject({ status: 'ok', worker: { error: null } });
        expect(['wasm', 'cpu']).toContain(h.body.worker.backend);
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the model worker never became ready');
  });

  it('bounds the queue per caller (429) and in total (503), with Retry-After', async () => {
    s = await startStation();
    const csv = cmapssCsv((u) => u <= 3);
    const body = { kind: 'rul', csv, asset_col: 'unit', time_col: 'cycle', epochs: 200 };
    const keys = await Promise.all(Array.from({ length: 5 }, () => s!.createKey(['operate', 'read'])));
    const mine = [];
    for (let i = 0; i < 2; i++) mine.push(await s.request('POST', '/api/v1/ml/train', { key: keys[0], body: { ...body, model_name: `rul.q0-${i}` } }));
    expect(mine.map((r) => r.status)).toEqual([202, 202]);
    const third = await s.request('POST', '/api/v1/ml/train', { key: keys[0], body: { ...body, model_name: 'rul.q0-2' } });
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    const others = [];
    for (let k = 1; k < 4; k++) for (let i = 0; i < 2; i++) others.push(await s.request('POST', '/api/v1/ml/train', { key: keys[k], body: { ...body, model_name: `rul.q${k}-${i}` } }));
    expect(others.every((r) => r.status === 202)).toBe(true);
    const full = await s.request('POST', '/api/v1/ml/train', { key: keys[4], body: { ...body, model_name: 'rul.q4-0' } });
    expect(full.status).toBe(503);
    expect(full.body.error.details).toMatchObject({ limit: 8 });
    expect(Number(full.headers.get('retry-after'))).toBeGreaterThan(0);
    // Each caller is told which jobs are its own (the console follows only those after a reload).
    const seenBy = async (key: string) => Object.fromEntries(((await s!.request('GET', '/api/v1/ml/jobs', { key })).body.jobs as Array<{ model_name: string; mine: boolean }>).map((j) => [j.model_name, j.mine]));
    expect(await seenBy(keys[0]!)).toMatchObject({ 'rul.q0-0': true, 'rul.q0-1': true, 'rul.q1-0': false });
    expect(await seenBy(keys[1]!)).toMatchObject({ 'rul.q0-0': false, 'rul.q1-0': true, 'rul.q1-1': true });
    expect(mine[0]!.body.job.mine).toBe(true);
    expect((await s.request('GET', `/api/v1/ml/jobs/${mine[0]!.body.job.id}`, { key: keys[2] })).body.mine).toBe(false);
    for (const r of [...mine, ...others]) await s.request('POST', `/api/v1/ml/jobs/${r.body.job.id}/cancel`, { body: {} });
  }, 120_000);

  it('refuses a model name taken by another kind before training, not after', async () => {
    s = await startStation();
    await importAi4iAsset(s, 'mill-1', 600);
    const a = await s.request('POST', '/api/v1/ml/train', { body: { kind: 'anomaly', asset_id: 'mill-1', window: 16, epochs: 1, model_name: 'plant.model' } });
    expect((await waitForJob(s, a.body.job.id)).job.state).toBe('succeeded');
    const r = await s.request('POST', '/api/v1/ml/train', { body: { kind: 'rul', csv: cmapssCsv((u) => u <= 3), asset_col: 'unit', time_col: 'cycle', model_name: 'plant.model' } });
    expect(r.status).toBe(409);
    expect(r.body.error.details[0]).toMatchObject({ field: 'model_name', code: 'name_taken' });
    expect((await s.request('GET', '/api/v1/ml/jobs')).body.jobs).toHaveLength(1);
  }, 60_000);

  it('keeps jobs across a restart and shows one the station died during as interrupted', async () => {
    const dir = tempDir();
    const env = { SMC_BOOTSTRAP_KEY: ADMIN_KEY, SMC_SIGN_IN_LINK: 'false' };
    serve = await spawnServe(['--port', '0', '--data-dir', dir], env);
    const api = (path: string, init: RequestInit = {}) => fetch(serve!.url + path, { ...init, headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'application/json', ...(init.headers as object) } }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
    const failing = await api('/api/v1/ml/train', { method: 'POST', body: JSON.stringify({ kind: 'rul', csv: 'unit,cycle,s1\n1,1,5\n1,2,6\n', asset_col: 'unit', time_col: 'cycle' }) });
    expect(failing.status).toBe(202);
    let failed;
    for (let i = 0; i < 200; i++) {
      failed = (await api(`/api/v1/ml/jobs/${failing.body.job.id}`)).body;
      if (failed.state === 'failed') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(failed.state).toBe('failed');
    const long = await api('/api/v1/ml/train', { method: 'POST', body: JSON.stringify({ kind: 'rul', csv: cmapssCsv((u) => u <= 10), asset_col: 'unit', time_col: 'cycle', epochs: 500 }) });
    for (let i = 0; i < 300; i++) {
      if ((await api(`/api/v1/ml/jobs/${long.body.job.id}`)).body.state === 'running') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    serve.child.kill('SIGKILL');
    await new Promise((r) => serve!.child.once('exit', r));

    serve = await spawnServe(['--port', '0', '--data-dir', dir], env);
    const jobs = (await api('/api/v1/ml/jobs')).body.jobs as Array<{ id: string; state: string; error: { code: string; message: string } | null }>;
    const byId = new Map(jobs.map((j) => [j.id, j]));
    expect(byId.get(failing.body.job.id)).toMatchObject({ state: 'failed', error: { code: failed.error.code } });
    expect(byId.get(long.body.job.id)).toMatchObject({ state: 'interrupted', error: { code: 'interrupted' } });
    expect(byId.get(long.body.job.id)!.error!.message).toMatch(/stopped before this job finished/);
  }, 120_000);
});
