import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnServe, type ServeProcess } from '../helpers/serve-process';
import { tempDir } from '../helpers/station';
import { seededRandom } from '../../main/core/ml/runtime/random';

// Acceptance: a child `serve` process under continuous batch ingest is killed
// with SIGKILL at random moments, ten times; after each restart every reading
// whose batch got a 2xx is present exactly once.
//
// Beyond that: a batch is atomic, so one that was in flight at the kill is
// either wholly stored or wholly absent; its Idempotency-Key record commits
// with it, so retrying it after the restart replays the original answer if
// (and only if) it was stored; re-sent acknowledged batches are duplicates;
// and the sensors' running statistics, kept in the same transaction, match
// the rows. The database file is checked directly while the process is dead,
// and through the API after each restart.
//
// The outbox commits with the state it describes: after every kill the sum
// of `count` over readings.stored events equals the readings stored, exactly,
// and each event's count is the number of readings that carry its seq.

const SEED = Number(process.env.SMC_CRASH_SEED ?? 0x5eed);
const CYCLES = 10;
const CLIENTS = 4;
const KEY = 'crash-test-admin-key-0123456789abcdef';
const SENSORS = ['crash-a', 'crash-b', 'crash-c', 'crash-d', 'crash-e', 'crash-f', 'crash-g'];
const BASE_TS = Date.UTC(2024, 0, 1);
const ENV = { SMC_BOOTSTRAP_KEY: KEY, SMC_SIGN_IN_LINK: 'false', SMC_RATE_LIMIT_PER_MINUTE: '10000000' };


interface Reading { sensor_id: string; timestamp: number; value: number }
type BatchState = 'sending' | 'acked' | 'unknown' | 'stored' | 'lost';
interface Batch {
  id: number;
  cycle: number;
  readings: Reading[];
  /** acked: got a 2xx. unknown: in flight at the kill. stored/lost: an unknown batch found wholly present/absent. */
  state: BatchState;
  response?: string;
}

/** One row as found in the database or through the API. */
type Row = [sensor: string, ts: number, value: number];
interface SensorStats { id: string; count: number; first: number | null; last: number | null; latest: number | null }

const rowKey = (sensor: string, ts: number) => `${sensor}|${ts}`;

class Ledger {
  readonly batches: Batch[] = [];
  private seq = 0;
  constructor(private readonly rand: () => number) {}

  next(cycle: number): Batch {
    const n = 50 + Math.floor(this.rand() * 451);
    const readings: Reading[] = [];
    for (let i = 0; i < n; i++) {
      const s = this.seq++;
      // Unique (sensor, ts) across the run; values known and varied.
      readings.push({ sensor_id: SENSORS[s % SENSORS.length]!, timestamp: BASE_TS + s * 10, value: Math.round((this.rand() * 2000 - 1000) * 1000) / 1000 });
    }
    const b: Batch = { id: this.batches.length, cycle, readings, state: 'sending' };
    this.batches.push(b);
    return b;
  }

  count(states: BatchState[], cycle?: number): { batches: number; readings: number } {
    const bs = this.batches.filter((b) => states.includes(b.state) && (cycle === undefined || b.cycle === cycle));
    return { batches: bs.length, readings: bs.reduce((n, b) => n + b.readings.length, 0) };
  }
}

/**
 * Compares what the station holds with the ledger. Acknowledged (and
 * previously found stored) batches must be present exactly once with their
 * values; batches never acknowledged must be all-or-nothing, and are
 * classified here the first time; nothing else may be stored; each sensor's
 * running statistics must equal its rows. Returns the problems found.
 */
function verify(label: string, ledger: Ledger, rows: Row[], stats: SensorStats[]): string[] {
  const problems: string[] = [];
  const seen = new Map<string, { value: number; times: number }>();
  for (const [sensor, ts, value] of rows) {
    const k = rowKey(sensor, ts);
    const e = seen.get(k);
    if (e) e.times += 1;
    else seen.set(k, { value, times: 1 });
  }
  let expected = 0;
  for (const b of ledger.batches) {
    if (b.state === 'sending') continue;
    let present = 0;
    for (const r of b.readings) {
      const e = seen.get(rowKey(r.sensor_id, r.timestamp));
      if (!e) continue;
      present += 1;
      if (e.times !== 1) problems.push(`${label}: ${r.sensor_id}@${r.timestamp} stored ${e.times} times`);
      if (e.value !== r.value) problems.push(`${label}: ${r.sensor_id}@${r.timestamp} has value ${e.value}, sent ${r.value}`);
    }
    const all = present === b.readings.length;
    if ((b.state === 'acked' || b.state === 'stored') && !all) {
      problems.push(`${label}: ${b.state} batch ${b.id} (cycle ${b.cycle}) has ${present} of ${b.readings.length} readings`);
    } else if (b.state === 'lost' && present > 0) {
      problems.push(`${label}: batch ${b.id}, absent after its crash, now has ${present} readings`);
    } else if (b.state === 'unknown') {
      if (present !== 0 && !all) problems.push(`${label}: unacknowledged batch ${b.id} is partly stored (${present} of ${b.readings.length}): not atomic`);
      b.state = all ? 'stored' : 'lost';
    }
    if (b.state === 'acked' || b.state === 'stored') expected += b.readings.length;
  }
  if (rows.length !== expected) problems.push(`${label}: ${rows.length} rows stored, the ledger accounts for ${expected}`);

  const bySensor = new Map<string, SensorStats>();
  for (const [sensor, ts, value] of rows) {
    const s = bySensor.get(sensor) ?? { id: sensor, count: 0, first: null, last: null, latest: null };
    s.count += 1;
    if (s.first === null || ts < s.first) s.first = ts;
    if (s.last === null || ts > s.last) {
      s.last = ts;
      s.latest = value;
    }
    bySensor.set(sensor, s);
  }
  for (const st of stats) {
    const real = bySensor.get(st.id) ?? { id: st.id, count: 0, first: null, last: null, latest: null };
    if (st.count !== real.count || st.first !== real.first || st.last !== real.last || st.latest !== real.latest) {
      problems.push(`${label}: sensor ${st.id} statistics ${JSON.stringify(st)} differ from its rows ${JSON.stringify(real)}`);
    }
  }
  return problems;
}

/** Rows and sensor statistics straight from the database file (the process must be dead or idle). */
function readDbFile(file: string): { rows: Row[]; stats: SensorStats[]; integrity: string; announced: number; mismatched: string[] } {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db
      .prepare<[], { id: string; ts: number; value: number }>('SELECT s.id, r.timestamp AS ts, r.value FROM readings r JOIN sensors s ON s.sensor_key = r.sensor_key')
      .all()
      .map((r): Row => [r.id, r.ts, r.value]);
    const stats = db
      .prepare<[], { id: string; reading_count: number; first_ts: number | null; last_ts: number | null; last_value: number | null }>(
        'SELECT id, reading_count, first_timestamp AS first_ts, last_timestamp AS last_ts, last_value FROM sensors',
      )
      .all()
      .map((s) => ({ id: s.id, count: s.reading_count, first: s.first_ts, last: s.last_ts, latest: s.last_value }));
    const integrity = String(db.pragma('quick_check', { simple: true }));
    const events = db.prepare<[], { seq: number; count: number }>("SELECT seq, json_extract(payload, '$.count') AS count FROM events WHERE type = 'readings.stored'").all();
    const bySeq = new Map(db.prepare<[], { seq: number | null; n: number }>('SELECT stored_seq AS seq, COUNT(*) AS n FROM readings GROUP BY stored_seq').all().map((r) => [r.seq, r.n]));
    const mismatched = events.filter((e) => bySeq.get(e.seq) !== e.count).map((e) => `event ${e.seq} announces ${e.count} readings, ${bySeq.get(e.seq) ?? 0} carry its seq`);
    for (const seq of bySeq.keys()) if (!events.some((e) => e.seq === seq)) mismatched.push(`readings carry seq ${seq}, which no readings.stored event has`);
    return { rows, stats, integrity, announced: events.reduce((n, e) => n + e.count, 0), mismatched };
  } finally {
    db.close();
  }
}

async function api(url: string, path: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}) {
  const res = await fetch(url + path, {
    method: init.method ?? 'GET',
    headers: { 'x-api-key': KEY, ...(init.body ? { 'content-type': 'application/json' } : {}), ...init.headers },
    ...(init.body ? { body: init.body } : {}),
  });
  const text = await res.text();
  return { status: res.status, replayed: res.headers.get('idempotent-replayed') === 'true', text, body: JSON.parse(text) as any };
}

/** Every reading through the API, paging with the cursor, and the sensors' statistics. */
async function readApi(url: string): Promise<{ rows: Row[]; stats: SensorStats[] }> {
  const rows: Row[] = [];
  let cursor: string | null = null;
  do {
    const page = await api(url, `/api/v1/sensors/readings?limit=10000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    if (page.status !== 200) throw new Error(`listing failed: ${page.status} ${page.text.slice(0, 300)}`);
    for (const r of page.body.readings as Array<{ sensor_id: string; timestamp: string; value: number }>) rows.push([r.sensor_id, Date.parse(r.timestamp), r.value]);
    cursor = page.body.next_cursor;
  } while (cursor);
  const sensors = await api(url, '/api/v1/sensors');
  const iso = (s: string | null) => (s === null ? null : Date.parse(s));
  const stats = (sensors.body.sensors as Array<{ id: string; reading_count: number; first_timestamp: string | null; last_timestamp: string | null; last_value: number | null }>).map(
    (s) => ({ id: s.id, count: s.reading_count, first: iso(s.first_timestamp), last: iso(s.last_timestamp), latest: s.last_value }),
  );
  return { rows, stats };
}

/** One client: posts batches back to back until its request fails (the process was killed). */
async function clientLoop(url: string, ledger: Ledger, cycle: number, problems: string[]): Promise<void> {
  for (;;) {
    const b = ledger.next(cycle);
    let status: number;
    try {
      const res = await fetch(`${url}/api/v1/data/ingest`, {
        method: 'POST',
        headers: { 'x-api-key': KEY, 'content-type': 'application/json', 'idempotency-key': `crash-batch-${b.id}` },
        body: JSON.stringify(b.readings),
      });
      status = res.status;
      // A 2xx status line is the acknowledgement, even if the kill cuts the body short.
      if (status >= 200 && status < 300) b.state = 'acked';
      b.response = await res.text();
    } catch {
      if (b.state === 'sending') b.state = 'unknown';
      return;
    }
    if (b.state !== 'acked') {
      problems.push(`cycle ${cycle}: batch ${b.id} got ${status}: ${b.response.slice(0, 200)}`);
      b.state = 'unknown';
      return;
    }
    const body = JSON.parse(b.response) as { stored: number; duplicates: number };
    if (body.stored !== b.readings.length) problems.push(`cycle ${cycle}: batch ${b.id} stored ${body.stored} of ${b.readings.length}`);
  }
}

/** Retries after a restart: in-flight batches with their key (replayed iff stored), some acknowledged ones without (all duplicates). */
async function retryAfterRestart(url: string, ledger: Ledger, cycle: number, rand: () => number, problems: string[]): Promise<{ replayed: number; resent: number; duplicates: number }> {
  let replayed = 0;
  let resent = 0;
  for (const b of ledger.batches.filter((x) => x.cycle === cycle - 1 && (x.state === 'stored' || x.state === 'lost'))) {
    const r = await api(url, '/api/v1/data/ingest', { method: 'POST', body: JSON.stringify(b.readings), headers: { 'idempotency-key': `crash-batch-${b.id}` } });
    const wasStored = b.state === 'stored';
    if (r.status !== 200 || r.replayed !== wasStored || r.body.stored !== b.readings.length) {
      problems.push(`cycle ${cycle}: retry of ${b.state} batch ${b.id} → ${r.status} replayed=${r.replayed} ${r.text.slice(0, 200)}`);
    }
    if (wasStored) replayed += 1;
    else resent += 1;
    b.state = 'acked';
    b.response = r.text;
  }
  const acked = ledger.batches.filter((b) => b.state === 'acked');
  let duplicates = 0;
  for (let i = 0; i < 3 && acked.length > 0; i++) {
    const b = acked[Math.floor(rand() * acked.length)]!;
    const r = await api(url, '/api/v1/data/ingest', { method: 'POST', body: JSON.stringify({ readings: b.readings }) });
    if (r.status !== 200 || r.body.stored !== 0 || r.body.duplicates !== b.readings.length) {
      problems.push(`cycle ${cycle}: re-sent acked batch ${b.id} → ${r.status} ${r.text.slice(0, 200)}`);
    }
    duplicates += r.body.duplicates ?? 0;
    // The same key replays the first answer byte for byte.
    if (b.response && i === 0) {
      const again = await api(url, '/api/v1/data/ingest', { method: 'POST', body: JSON.stringify(b.readings), headers: { 'idempotency-key': `crash-batch-${b.id}` } });
      if (!again.replayed || again.text !== b.response) problems.push(`cycle ${cycle}: keyed re-send of batch ${b.id} was not replayed: ${again.text.slice(0, 200)}`);
    }
  }
  return { replayed, resent, duplicates };
}

function exited(p: ServeProcess): Promise<void> {
  return p.child.exitCode !== null || p.child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => p.child.once('exit', () => resolve()));
}

const out = (line: string) => process.stdout.write(`[crash] ${line}\n`);

describe('crash safety of batch ingest', () => {
  const dir = tempDir('smc-crash-');
  const dbFile = join(dir, 'station.db');
  let serve: ServeProcess | undefined;
  afterAll(async () => {
    if (serve && serve.child.exitCode === null && serve.child.signalCode === null) {
      serve.child.kill('SIGKILL');
      await exited(serve);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every acknowledged reading exactly once across ten SIGKILLs under load', async () => {
    // Seeded: kill moments and batch shapes replay from the seed.
    const rand = seededRandom(SEED);
    const ledger = new Ledger(rand);
    const problems: string[] = [];
    const started = performance.now();
    out(`seed ${SEED}, ${CYCLES} cycles, ${CLIENTS} clients, data dir ${dir}`);

    for (let cycle = 0; cycle <= CYCLES; cycle++) {
      serve = await spawnServe(['--port', '0', '--data-dir', dir], ENV);
      const url = serve.url;
      let note = '';
      if (cycle > 0) {
        const t0 = performance.now();
        const view = await readApi(url);
        problems.push(...verify(`after restart ${cycle} (API)`, ledger, view.rows, view.stats));
        const retry = await retryAfterRestart(url, ledger, cycle, rand, problems);
        note = `; restart ${cycle}: ${view.rows.length} rows verified via API in ${Math.round(performance.now() - t0)} ms, ` +
          `in-flight retries replayed ${retry.replayed} / stored anew ${retry.resent}, ${retry.duplicates} duplicate readings re-sent`;
      }
      out(`${cycle === 0 ? 'start' : `restart ${cycle}`} ok${note}`);
      if (cycle === CYCLES) break;

      // Load, then a SIGKILL at a random moment relative to the commits.
      const loops = Array.from({ length: CLIENTS }, () => clientLoop(url, ledger, cycle, problems));
      const delay = 200 + Math.floor(rand() * 1300);
      await new Promise((r) => setTimeout(r, delay));
      serve.child.kill('SIGKILL');
      await exited(serve);
      await Promise.all(loops);

      // The file as the crash left it, before anything recovers it.
      const disk = readDbFile(dbFile);
      if (disk.integrity !== 'ok') problems.push(`after kill ${cycle + 1}: quick_check says ${disk.integrity}`);
      if (disk.announced !== disk.rows.length) problems.push(`after kill ${cycle + 1}: readings.stored events announce ${disk.announced} readings, ${disk.rows.length} are stored`);
      problems.push(...disk.mismatched.map((m) => `after kill ${cycle + 1}: ${m}`));
      problems.push(...verify(`after kill ${cycle + 1} (file)`, ledger, disk.rows, disk.stats));
      const acked = ledger.count(['acked'], cycle);
      const stored = ledger.count(['stored'], cycle);
      const lost = ledger.count(['lost'], cycle);
      out(
        `kill ${cycle + 1} after ${delay} ms: acked ${acked.batches} batches / ${acked.readings} readings; ` +
          `in flight ${stored.batches + lost.batches} (${stored.batches} committed, ${lost.batches} not); ${disk.rows.length} rows on disk`,
      );
      expect(problems).toEqual([]);
    }

    // A clean stop, then the file once more.
    const gone = exited(serve!);
    serve!.child.kill('SIGTERM');
    await gone;
    const disk = readDbFile(dbFile);
    expect(disk.integrity).toBe('ok');
    problems.push(...verify('after the final stop (file)', ledger, disk.rows, disk.stats));
    const total = ledger.count(['acked']);
    out(`total: ${total.batches} acknowledged batches / ${total.readings} readings, ${disk.rows.length} rows; ${((performance.now() - started) / 1000).toFixed(1)} s`);
    expect(problems).toEqual([]);
    expect(disk.rows.length).toBe(total.readings);
    expect(disk.announced).toBe(disk.rows.length);
    expect(disk.mismatched).toEqual([]);
    expect(total.readings).toBeGreaterThan(CYCLES * 1000);
  }, 180_000);
});
