import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { openDatabase } from '../../main/core/db/open';
import { ADMIN_KEY, ROOT, tempDir } from '../helpers/station';
import { spawnServe } from '../helpers/serve-process';

// `npm run bench`: every figure is a ratio against a reference measured in
// this same run on this same machine (raw SQLite inserts, an empty fastify
// route), so a shared, noisy machine shifts both sides alike.

interface Row { metric: string; value: number; unit: string; reference?: string; refValue?: number; ratio?: number; note?: string }
const rows: Row[] = [];
const T0 = Date.UTC(2024, 0, 1);
const DURATION = Number(process.env.BENCH_SECONDS ?? 8);

export type BenchRow = Row;

/** Large figures as integers, small ones (latencies in ms, scores) with three significant digits. */
function shown(v: number): string {
  return Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en') : Number(v.toPrecision(3)).toString();
}

function record(r: Row) {
  rows.push(r);
  const ratio = r.ratio === undefined ? '' : `  ratio ${r.ratio.toFixed(3)} of ${r.reference} (${shown(r.refValue!)} ${r.unit})`;
  process.stdout.write(`${r.metric.padEnd(46)} ${shown(r.value).padStart(12)} ${r.unit}${ratio}${r.note ? `  [${r.note}]` : ''}\n`);
}

/** Raw better-sqlite3 inserts into the station's own schema: 1,000-row transactions, synchronous=FULL. */
function rawInserts(n: number): number {
  const db = openDatabase(join(tempDir('smc-bench-raw-'), 'raw.db'));
  db.prepare("INSERT INTO sensors (sensor_key, id, created_at) VALUES (1, 'raw', 0)").run();
  const insert = db.prepare('INSERT INTO readings (sensor_key, ts, value, quality, metadata, ingested_at) VALUES (1, ?, ?, NULL, NULL, 0)');
  const batch = db.transaction((start: number) => {
    for (let i = start; i < start + 1000; i++) insert.run(T0 + i, i);
  });
  const t = performance.now();
  for (let i = 0; i < n; i += 1000) batch(i);
  const rate = n / ((performance.now() - t) / 1000);
  db.close();
  return rate;
}

function startEmptyServer(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(__dirname, 'empty-server.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve({ child, url: m[1]! });
    });
  });
}

function cannon(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon({ duration: DURATION, connections: 8, ...opts }, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

async function main() {
  process.stdout.write(`Smart Maintenance Console bench — ${DURATION} s per HTTP run, ${new Date().toISOString()}\n\n`);

  const raw = rawInserts(200_000);
  record({ metric: 'reference: raw SQLite inserts (1000-row txns)', value: raw, unit: 'rows/s' });

  const empty = await startEmptyServer();
  const emptyGet = await cannon({ url: `${empty.url}/empty` });
  record({ metric: 'reference: empty fastify GET route', value: emptyGet.requests.average, unit: 'req/s' });
  empty.child.kill();

  const dir = tempDir('smc-bench-');
  const station = await spawnServe(['--port', '0', '--data-dir', dir], {
    SMC_BOOTSTRAP_KEY: ADMIN_KEY,
    SMC_SIGN_IN_LINK: 'false',
    SMC_RATE_LIMIT_PER_MINUTE: '10000000',
    SMC_LOG_LEVEL: 'warn',
  });
  const headers = { 'x-api-key': ADMIN_KEY, 'content-type': 'application/json' };
  try {
    const health = await cannon({ url: `${station.url}/health` });
    record({ metric: 'station GET /health (no auth)', value: health.requests.average, unit: 'req/s', reference: 'empty route', refValue: emptyGet.requests.average, ratio: health.requests.average / emptyGet.requests.average });

    // Batches of 1,000 readings, unique timestamps, several sensors: durable (FULL) group commit.
    let next = 0;
    const batchSize = 1000;
    const batchRun = await cannon({
      url: `${station.url}/api/v1/data/ingest`,
      method: 'POST',
      headers,
      requests: [{
        setupRequest: (req) => {
          const start = next;
          next += batchSize;
          const readings = Array.from({ length: batchSize }, (_, i) => ({ sensor_id: `bench-${(start + i) % 16}`, timestamp: T0 + start + i, value: (start + i) % 100 }));
          return { ...req, body: JSON.stringify(readings) };
        },
      }],
    });
    const batchRate = (batchRun['2xx'] * batchSize) / DURATION;
    record({ metric: 'ingest: 1000-reading batches over HTTP', value: batchRate, unit: 'rows/s', reference: 'raw inserts', refValue: raw, ratio: batchRate / raw, note: `p99 ${batchRun.latency.p99} ms/batch, non-2xx ${batchRun.non2xx}` });

    let single = 0;
    const singleRun = await cannon({
      url: `${station.url}/api/v1/data/ingest`,
      method: 'POST',
      headers,
      requests: [{ setupRequest: (req) => ({ ...req, body: JSON.stringify({ sensor_id: 'single', timestamp: T0 + single++, value: 1 }) }) }],
    });
    record({ metric: 'ingest: one reading per request (durable)', value: singleRun.requests.average, unit: 'req/s', reference: 'empty route', refValue: emptyGet.requests.average, ratio: singleRun.requests.average / emptyGet.requests.average, note: `p99 ${singleRun.latency.p99} ms; group commit` });

    const list = await cannon({ url: `${station.url}/api/v1/sensors/readings?sensor_id=bench-3&limit=100`, headers });
    record({ metric: 'read: 100 readings of one sensor', value: list.requests.average, unit: 'req/s', reference: 'empty route', refValue: emptyGet.requests.average, ratio: list.requests.average / emptyGet.requests.average, note: `p99 ${list.latency.p99} ms` });

    const series = await cannon({ url: `${station.url}/api/v1/sensors/bench-3/series?points=500`, headers, connections: 4 });
    record({ metric: 'read: 500-point series of one sensor', value: series.requests.average, unit: 'req/s', reference: 'empty route', refValue: emptyGet.requests.average, ratio: series.requests.average / emptyGet.requests.average, note: `p99 ${series.latency.p99} ms` });

    // Streamed CSV import of 200,000 rows.
    const n = 200_000;
    let csv = 'sensor_id,timestamp,value\n';
    for (let i = 0; i < n; i++) csv += `imp-${i % 8},${T0 + i},${i % 1000}\n`;
    const t = performance.now();
    const res = await fetch(`${station.url}/api/v1/data/import`, { method: 'POST', headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'text/csv' }, body: csv });
    const summary = (await res.json()) as { stored: number };
    const importRate = summary.stored / ((performance.now() - t) / 1000);
    record({ metric: 'import: 200,000-row CSV stream', value: importRate, unit: 'rows/s', reference: 'raw inserts', refValue: raw, ratio: importRate / raw });

    const exportStart = performance.now();
    const exp = await fetch(`${station.url}/api/v1/sensors/readings/export`, { headers: { 'x-api-key': ADMIN_KEY } });
    const text = await exp.text();
    const exported = text.split('\n').length - 2;
    const exportRate = exported / ((performance.now() - exportStart) / 1000);
    record({ metric: 'export: streamed CSV of everything', value: exportRate, unit: 'rows/s', reference: 'raw inserts', refValue: raw, ratio: exportRate / raw, note: `${exported.toLocaleString('en')} rows` });
  } finally {
    station.child.kill('SIGTERM');
  }

  // Models: each figure against raw TF.js inference of the same model, or a
  // quality target. Skipped with BENCH_ML=0 for a quick storage/HTTP run.
  if (process.env.BENCH_ML !== '0') {
    process.stdout.write('\nmodels\n');
    for (const [label, bench] of [
      ['anomaly', async () => (await import('./ml-anomaly')).benchAnomaly()],
      ['forecast', async () => (await import('./ml-forecast')).benchForecast()],
      ['rul', async () => (await import('./ml-rul')).benchRul()],
      ['registry', async () => (await import('./ml-registry')).benchRegistry()],
    ] as const) {
      try {
        for (const r of await bench()) record(r);
      } catch (err) {
        process.stderr.write(`bench ${label} failed: ${(err as Error).stack ?? String(err)}\n`);
        process.exitCode = 1;
      }
    }
  }
  const out = join(ROOT, 'bench-results.json');
  writeFileSync(out, JSON.stringify({ at: new Date().toISOString(), durationSeconds: DURATION, rows }, null, 2));
  process.stdout.write(`\nwritten ${out}\n`);
  process.exit(process.exitCode ?? 0);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
