import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStation, type TestStation, reading } from '../helpers/station';

describe('smoke', () => {
  let s: TestStation;
  beforeAll(async () => { s = await startStation(); });
  afterAll(async () => { await s.stop(); });
  it('ingests and lists', async () => {
    const r = await s.request('POST', '/api/v1/data/ingest', { body: reading('a', Date.UTC(2024, 0, 1), 1) });
    expect(r.status).toBe(200);
    const l = await s.request('GET', '/api/v1/sensors/readings');
    expect(l.body.readings).toHaveLength(1);
  });
});
