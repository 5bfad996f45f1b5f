import { join } from 'node:path';
import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { bigCases, fuzzCase, type FuzzCase } from '../helpers/fuzz-cases';
import { spawnServe } from '../helpers/serve-process';
import { ADMIN_KEY, startStation, tempDir } from '../helpers/station';

// Acceptance: at least 5,000 random and malformed requests to the ingestion
// and readings routes: no 5xx, the process stays up, every 4xx names the
// problem. The seed is fixed (override with SMC_FUZZ_SEED) and printed, so a
// failure can be replayed exactly.

const SEED = Number(process.env.SMC_FUZZ_SEED ?? 20_241_125);
const IN_PROCESS_CASES = 4_200;
const CHILD_CASES = 1_200;
const CONCURRENCY = 8;

interface Tally {
  requests: number;
  statuses: Map<number, number>;
  /** Readings the station acknowledged as newly stored (2xx, not an idempotent replay). */
  stored: number;
  /** Problems, grouped by what went wrong where, with a few examples each. */
  failures: Map<string, { count: number; examples: string[] }>;
}

const newTally = (): Tally => ({ requests: 0, statuses: new Map(), stored: 0, failures: new Map() });

const nonEmpty = (v: unknown): boolean => typeof v === 'string' && v.trim().length > 0;

function clip(v: string | Uint8Array | undefined, n = 160): string {
  if (v === undefined) return '';
  const s = typeof v === 'string' ? v : `<${v.length} bytes> ${Buffer.from(v).toString('utf8')}`;
  return s.length > n ? `${s.slice(0, n)}…(${s.length})` : s;
}

/** What is wrong with a response, or undefined when it is acceptable. */
function judge(c: FuzzCase, status: number, body: any): string | undefined {
  if (status >= 500) return `status ${status}`;
  if (status < 400 || c.method === 'HEAD') return undefined;
  if (!body || typeof body !== 'object' || !body.error || typeof body.error !== 'object') return 'a 4xx without an {error:{...}} body';
  if (!nonEmpty(body.error.code)) return '4xx without error.code';
  if (!nonEmpty(body.error.message)) return '4xx without error.message';
  if (status === 422) {
    // Batch and query validation list their issues; a failed import lists them beside its summary.
    const details = body.error.details;
    const issues: unknown = Array.isArray(details) ? details : details?.issues;
    if (!Array.isArray(issues) || issues.length === 0) return '422 without a list of issues in details';
    const bad = issues.find((i: any) => !i || !(nonEmpty(i.path) || nonEmpty(i.field)) || !nonEmpty(i.message));
    if (bad) return `422 issue without path/field and message: ${JSON.stringify(bad)}`;
  }
  return undefined;
}

/** Readings a response says were newly stored (a failed import keeps the rows before its failure). */
function storedBy(c: FuzzCase, status: number, body: any, replayed: boolean): number {
  if (replayed || !body || typeof body !== 'object') return 0;
  if (c.path.startsWith('/api/v1/data/ingest') && status >= 200 && status < 300) return body.stored;
  if (c.path.startsWith('/api/v1/data/import')) {
    const summary = status < 300 ? body : body.error?.details?.summary;
    if (summary && summary.dry_run === false) return summary.stored;
  }
  return 0;
}

function fail(tally: Tally, group: string, example: string): void {
  const g = tally.failures.get(group) ?? { count: 0, examples: [] };
  g.count += 1;
  if (g.examples.length < 2) g.examples.push(example);
  tally.failures.set(group, g);
}

function failureReport(tally: Tally): string[] {
  return [...tally.failures.entries()].map(([group, g]) => `${g.count}× ${group}\n    e.g. ${g.examples.join('\n    e.g. ')}`);
}

async function send(base: string, c: FuzzCase, tally: Tally): Promise<void> {
  const headers = { ...c.headers };
  if (!('x-api-key' in headers) && !('authorization' in headers)) headers['x-api-key'] = ADMIN_KEY;
  let res: Response;
  let text: string;
  try {
    res = await fetch(base + c.path, { method: c.method, headers, ...(c.body !== undefined ? { body: c.body } : {}) });
    text = await res.text();
  } catch (err) {
    fail(tally, `[${c.kind}] request failed`, `${c.method} ${clip(c.path, 120)}: ${(err as Error).message}; ${String((err as Error).cause ?? '')}`);
    return;
  }
  tally.requests += 1;
  tally.statuses.set(res.status, (tally.statuses.get(res.status) ?? 0) + 1);
  let body: any;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined; // CSV export and HEAD answers are not JSON
  }
  const problem = judge(c, res.status, body);
  if (problem) {
    fail(tally, `[${c.kind}] ${res.status}: ${problem.split(':')[0]}`, `${c.method} ${clip(c.path, 120)} body=${clip(c.body)} → ${problem}; response ${clip(text, 300)}`);
  }
  const stored = storedBy(c, res.status, body, res.headers.get('idempotent-replayed') === 'true');
  if (typeof stored !== 'number' || !Number.isInteger(stored) || stored < 0) fail(tally, `[${c.kind}] stored is not a count`, clip(text, 300));
  else tally.stored += stored;
}

async function sendAll(base: string, cases: readonly FuzzCase[], tally: Tally): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < cases.length) await send(base, cases[next++]!, tally);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

/** Requests with missing, wrong or under-scoped credentials — few, so the failed-auth throttle (30/min) is not reached. */
function authCases(readKey: string, ingestKey: string): FuzzCase[] {
  const reading = JSON.stringify({ sensor_id: 'fz-auth', timestamp: Date.UTC(2020, 0, 1), value: 1 });
  const post = (headers: Record<string, string>): FuzzCase => ({
    kind: 'auth', method: 'POST', path: '/api/v1/data/ingest', headers: { 'content-type': 'application/json', ...headers }, body: reading,
  });
  const get = (headers: Record<string, string>): FuzzCase => ({ kind: 'auth', method: 'GET', path: '/api/v1/sensors/readings?limit=5', headers });
  return [
    post({ authorization: '' }),
    post({ 'x-api-key': 'not-a-key' }),
    post({ authorization: 'Bearer ' }),
    post({ authorization: 'Basic dXNlcjpwYXNz' }),
    get({ 'x-api-key': 'x'.repeat(500) }),
    get({ authorization: 'Bearer a b c' }),
    post({ 'x-api-key': readKey }),
    get({ 'x-api-key': ingestKey }),
    post({ authorization: `Bearer ${ingestKey}` }),
  ];
}

function printTally(label: string, tally: Tally, ms: number): void {
  const statuses = [...tally.statuses.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}:${n}`).join(' ');
  process.stdout.write(`[fuzz] ${label}: ${tally.requests} requests in ${(ms / 1000).toFixed(1)} s, seed ${SEED}; statuses ${statuses}; readings stored ${tally.stored}\n`);
}

function rowsInDb(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM readings').get()!.n;
  } finally {
    db.close();
  }
}

let totalRequests = 0;

describe('fuzzing the ingestion and readings routes', () => {
  const cleanup: Array<() => void> = [];
  afterAll(() => cleanup.forEach((f) => f()));

  it(`answers ${IN_PROCESS_CASES}+ random and malformed requests in-process without a 5xx, naming every 4xx problem`, async () => {
    const s = await startStation();
    try {
      const readKey = await s.createKey(['read']);
      const ingestKey = await s.createKey(['ingest']);
      const cases = [...fc.sample(fuzzCase, { seed: SEED, numRuns: IN_PROCESS_CASES }), ...bigCases(), ...authCases(readKey, ingestKey)];
      const tally = newTally();
      const started = performance.now();
      await sendAll(s.url, cases, tally);
      printTally('in-process station', tally, performance.now() - started);
      totalRequests += tally.requests;

      expect(failureReport(tally)).toEqual([]);
      expect(tally.requests).toBe(cases.length);
      expect(tally.stored).toBeGreaterThan(10_000); // the valid share of the mix, plus the 10,000-reading batch

      // Still up, not polluted, and every acknowledged reading is there: the
      // sensors' running counts and the table itself agree with the 2xx tally.
      expect((await s.request('GET', '/health', { key: null })).status).toBe(200);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      const db = await s.request('GET', '/health/db');
      expect(db.status).toBe(200);
      expect(db.body.readings).toBe(tally.stored);
      expect(rowsInDb(join(s.dir, 'station.db'))).toBe(tally.stored);
    } finally {
      await s.stop();
    }
    // ~15 s alone; the margin is for shared CI cores (e.g. beside the crash test).
  }, 120_000);

  it(`answers ${CHILD_CASES} more from a spawned serve process, which stays up`, async () => {
    const dir = tempDir('smc-fuzz-');
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const serve = await spawnServe(['--port', '0', '--data-dir', dir], {
      SMC_BOOTSTRAP_KEY: ADMIN_KEY,
      SMC_SIGN_IN_LINK: 'false',
      SMC_RATE_LIMIT_PER_MINUTE: '10000000',
    });
    let exited = false;
    serve.child.once('exit', () => (exited = true));
    const tally = newTally();
    try {
      const cases = fc.sample(fuzzCase, { seed: SEED + 1, numRuns: CHILD_CASES });
      const started = performance.now();
      await sendAll(serve.url, cases, tally);
      printTally('serve child process', tally, performance.now() - started);
      totalRequests += tally.requests;

      expect(failureReport(tally)).toEqual([]);
      expect(tally.requests).toBe(cases.length);
      expect(exited).toBe(false);
      expect(serve.child.exitCode).toBeNull();
      const health = await fetch(`${serve.url}/health`);
      expect(health.status).toBe(200);
      const db = await fetch(`${serve.url}/health/db`, { headers: { 'x-api-key': ADMIN_KEY } });
      expect(((await db.json()) as { readings: number }).readings).toBe(tally.stored);
      expect(serve.output()).not.toMatch(/"level":(50|60)/); // no error or fatal log line
    } finally {
      if (!exited) {
        const gone = new Promise((resolve) => serve.child.once('exit', resolve));
        serve.child.kill('SIGTERM');
        await gone;
      }
    }
    // After a clean stop the file holds exactly the acknowledged readings.
    expect(rowsInDb(join(dir, 'station.db'))).toBe(tally.stored);
    expect(totalRequests).toBeGreaterThanOrEqual(5_000);
  }, 120_000);
});
