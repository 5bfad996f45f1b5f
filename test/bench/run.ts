import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN_KEY, ROOT, tempDir } from '../helpers/station';
import { spawnServe } from '../helpers/serve-process';
import { benchScoredIngest, benchSseLatency } from './backbone';
import { atLeast, atMost, figureLine, record, recorded, type BenchRow } from './figures';
import { cannon, drained, DURATION, keepAliveGetter, sequentialLatency, startEmptyServer } from './http';
import { interleaved, RAW_ROWS, RawInserts, ROUND_SECONDS, ROUNDS, WARM_UP_SECONDS } from './raw-inserts';

// `npm run bench`: every figure is a ratio against a reference measured in
// this same run on this same machine (raw SQLite inserts, an empty fastify
// route), so a shared, noisy machine shifts both sides alike. The last line
// printed is the figure line: every figure, its target, and whether it was
// met. BENCH_ML=0 leaves out the models; BENCH_LARGE=0 the store of
// millions of readings.

export type { BenchRow };
const T0 = Date.UTC(2024, 0, 1);
const LARGE = Number(process.env.BENCH_LARGE_READINGS ?? 5_000_000);
/** A JSON array of `size` readings over 16 sensors from `start`, written as text (what JSON.stringify would give). */
function batchBody(start: number, size: number): string {
  let out = '[';
  for (let i = start; i < start + size; i++) out += `${i === start ? '' : ','}{"sensor_id":"bench-${i % 16}","timestamp":${T0 + i},"value":${i % 100}}`;
  return `${out}]`;
}

/** One reading as a request body; `i` makes its timestamp unique. */
function singleBody(i: number): string {
  return JSON.stringify({ sensor_id: 'single', timestamp: T0 + i, value: 1 });
}

async function stationFigures(raw: RawInserts, emptyGet: number, emptyPost64: (seconds: number) => Promise<number>, emptyGet64: (seconds: number) => Promise<number>): Promise<void> {
  const dir = tempDir('smc-bench-');
  const station = await spawnServe(['--port', '0', '--data-dir', dir], {
    SMC_BOOTSTRAP_KEY: ADMIN_KEY, SMC_SIGN_IN_LINK: 'false', SMC_RATE_LIMIT_PER_MINUTE: '10000000', SMC_LOG_LEVEL: 'warn',
  });
  const headers = { 'x-api-key': ADMIN_KEY, 'content-type': 'application/json' };
  try {
    const health = await cannon({ url: `${station.url}/health` });
    record({ metric: 'station GET /health (no auth)', value: health.requests.average, unit: 'req/s', reference: 'empty route', refValue: emptyGet, ratio: health.requests.average / emptyGet });

    // Batches of 1,000 readings, unique timestamps, 16 sensors: durable (FULL) group commit,
    // the outbox written and online scoring subscribed (no model for these sensors).
    // Bodies are built as text, so the load generator spends little of the machine.
    let next = 0;
    const batchSize = 1000;
    const batchRound = async (seconds: number) => {
      const run = await cannon({
        url: `${station.url}/api/v1/data/ingest`, method: 'POST', headers, connections: 4, duration: seconds,
        requests: [{
          setupRequest: (req) => {
            const start = next;
            next += batchSize;
            return { ...req, body: batchBody(start, batchSize) };
          },
        }],
      });
      if (run.non2xx > 0) throw new Error(`batch ingest: ${run.non2xx} responses were not 2xx`);
      await drained(station.url);
      p99s.push(run.latency.p99);
      return (run['2xx'] * batchSize) / seconds;
    };
    const p99s: number[] = [];
    await batchRound(WARM_UP_SECONDS); // steady state: the station's code compiled by the JIT, its caches filled
    raw.round(50_000);
    p99s.length = 0;
    const batch = await interleaved(ROUNDS, () => raw.round(RAW_ROWS), () => batchRound(ROUND_SECONDS));
    record({
      metric: 'ingest: 1000-reading batches over HTTP, 4 clients', value: batch.value, unit: 'rows/s', reference: 'raw inserts', refValue: batch.refValue, ratio: batch.ratio,
      note: `after ${WARM_UP_SECONDS} s of warm-up load, median of ${ROUNDS} rounds of ${ROUND_SECONDS} s, ratios ${batch.ratios.map((r) => r.toFixed(2)).join(' / ')}; p99 ${p99s.join(' / ')} ms/batch; outbox + online scoring subscribed`,
      target: atLeast(0.6),
    });

    // One reading per request from 64 clients, in rounds alternating with the empty route (the machine's
    // speed drifts by half within a run): the median of the rounds' ratios, after a warm-up round.
    let single = 0;
    const singleP99: number[] = [];
    const singleRound = async (seconds: number) => {
      const run = await cannon({
        url: `${station.url}/api/v1/data/ingest`, method: 'POST', headers, connections: 64, duration: seconds,
        requests: [{ setupRequest: (req) => ({ ...req, body: singleBody(single++) }) }],
      });
      if (run.non2xx > 0) throw new Error(`single-reading ingest: ${run.non2xx} responses were not 2xx`);
      singleP99.push(run.latency.p99);
      return run.requests.average;
    };
    await singleRound(WARM_UP_SECONDS);
    singleP99.length = 0;
    const singles = await interleaved(ROUNDS, () => emptyPost64(ROUND_SECONDS), () => singleRound(ROUND_SECONDS));
    record({
      metric: 'ingest: one reading per request, 64 clients', value: singles.value, unit: 'req/s', reference: 'empty POST route, 64 clients', refValue: singles.refValue, ratio: singles.ratio,
      note: `median of ${ROUNDS} rounds of ${ROUND_SECONDS} s, each against the empty route measured just before it, ratios ${singles.ratios.map((r) => r.toFixed(2)).join(' / ')}; p99 ${singleP99.join(' / ')} ms; durable group commit`,
      target: atLeast(0.6),
    });
    // What the station's request stack costs under the same 64 clients: its public GET /health (no body,
    // no key, no database) against the empty GET route. Security headers, hooks, rate limit, metrics and
    // correlation ids are all the difference, and every POST route pays it on top of the empty POST route.
    const stack = await interleaved(3, () => emptyGet64(2), async () => (await cannon({ url: `${station.url}/health`, connections: 64, duration: 2 })).requests.average);
    record({
      metric: 'station GET /health, 64 clients (the request stack alone)', value: stack.value, unit: 'req/s', reference: 'empty GET route, 64 clients', refValue: stack.refValue, ratio: stack.ratio,
      note: `median of 3 rounds of 2 s, each against the empty route just before it, ratios ${stack.ratios.map((r) => r.toFixed(2)).join(' / ')}; the stack's cost, which the single-reading figure pays too`,
    });

    const reader = keepAliveGetter(station.url, { 'x-api-key': ADMIN_KEY });
    const page = await sequentialLatency(300, () => reader.get('/api/v1/readings?sensor_id=bench-3&limit=100'));
    record({ metric: 'read: 100 readings of one sensor, p95', value: page.p95, unit: 'ms', note: `p50 ${page.p50.toFixed(2)} ms, sequential` });
    const series = await sequentialLatency(100, () => reader.get('/api/v1/sensors/bench-3/series?points=500'));
    reader.close();
    record({ metric: 'read: 500-point series of one sensor, p95', value: series.p95, unit: 'ms', note: `p50 ${series.p50.toFixed(1)} ms` });

    // Streamed CSV import of 200,000 rows, against the reference measured just before.
    const rawRef = raw.round(RAW_ROWS);
    const n = 200_000;
    let csv = 'sensor_id,timestamp,value\n';
    for (let i = 0; i < n; i++) csv += `imp-${i % 8},${T0 + i},${i % 1000}\n`;
    const t = performance.now();
    const res = await fetch(`${station.url}/api/v1/data/import`, { method: 'POST', headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'text/csv' }, body: csv });
    const summary = (await res.json()) as { stored: number };
    const importRate = summary.stored / ((performance.now() - t) / 1000);
    record({ metric: 'import: 200,000-row CSV stream', value: importRate, unit: 'rows/s', reference: 'raw inserts', refValue: rawRef, ratio: importRate / rawRef });

    const exportStart = performance.now();
    const exp = await fetch(`${station.url}/api/v1/readings/export`, { headers: { 'x-api-key': ADMIN_KEY } });
    const text = await exp.text();
    const exported = text.split('\n').length - 2;
    const exportRate = exported / ((performance.now() - exportStart) / 1000);
    record({ metric: 'export: streamed CSV of everything', value: exportRate, unit: 'rows/s', reference: 'raw inserts', refValue: rawRef, ratio: exportRate / rawRef, note: `${exported.toLocaleString('en')} rows` });

    record(await benchSseLatency(station.url));
  } finally {
    station.child.kill('SIGTERM');
  }
}

async function scoredIngest(raw: RawInserts): Promise<void> {
  const station = await spawnServe(['--port', '0', '--data-dir', tempDir('smc-bench-scored-')], {
    SMC_BOOTSTRAP_KEY: ADMIN_KEY, SMC_SIGN_IN_LINK: 'false', SMC_RATE_LIMIT_PER_MINUTE: '10000000', SMC_LOG_LEVEL: 'warn',
  });
  try {
    for (const row of await benchScoredIngest(station.url, raw)) record(row);
  } catch (err) {
    // What the station logged (warnings and errors) says why a request failed.
    throw new Error(`${(err as Error).message}\nthe station's last log lines:\n${station.output().slice(-3000)}`, { cause: err });
  } finally {
    station.child.kill('SIGTERM');
  }
}

async function section(label: string, run: () => Promise<BenchRow[] | void>): Promise<void> {
  try {
    const rows = await run();
    for (const r of rows ?? []) record(r);
  } catch (err) {
    process.stderr.write(`bench ${label} failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  }
}

async function main() {
  const started = performance.now();
  process.stdout.write(`Smart Maintenance Console bench — ${DURATION} s per HTTP run, ${new Date().toISOString()}\n\n`);

  const raw = new RawInserts(16);
  record({ metric: 'reference: raw SQLite inserts, same rows (16 sensors)', value: raw.round(RAW_ROWS), unit: 'rows/s', note: '1000-row transactions, synchronous=FULL; measured again before each round it is compared with' });
  const raw4 = new RawInserts(4);
  record({ metric: 'reference: raw SQLite inserts, same rows (4 sensors)', value: raw4.round(RAW_ROWS), unit: 'rows/s' });
  const empty = await startEmptyServer();
  const emptyGet = (await cannon({ url: `${empty.url}/empty` })).requests.average;
  record({ metric: 'reference: empty fastify GET route', value: emptyGet, unit: 'req/s' });
  // The same load generator as the single-reading figure (a new body per request), so only the server differs.
  let refTs = 0;
  const emptyPost64 = async (seconds: number) => (await cannon({
    url: `${empty.url}/empty`, method: 'POST', headers: { 'content-type': 'application/json' }, connections: 64, duration: seconds,
    requests: [{ setupRequest: (req) => ({ ...req, body: singleBody(refTs++) }) }],
  })).requests.average;
  record({ metric: 'reference: empty fastify POST route, 64 clients', value: await emptyPost64(DURATION), unit: 'req/s', note: 'one reading\'s JSON per request, as the station gets it; measured again before each single-reading round' });

  const emptyGet64 = async (seconds: number) => (await cannon({ url: `${empty.url}/empty`, connections: 64, duration: seconds })).requests.average;
  await section('station', () => stationFigures(raw, emptyGet, emptyPost64, emptyGet64));
  empty.child.kill();
  await section('scored ingest', () => scoredIngest(raw4));
  if (process.env.BENCH_LARGE !== '0') await section('large store', async () => (await import('./large-store')).benchLargeStore(LARGE));

  // Models: each figure against raw TF.js inference of the same model, or a quality target.
  if (process.env.BENCH_ML !== '0') {
    process.stdout.write('\nmodels\n');
    await section('anomaly', async () => (await import('./ml-anomaly')).benchAnomaly());
    await section('forecast', async () => (await import('./ml-forecast')).benchForecast());
    await section('rul', async () => (await import('./ml-rul')).benchRul());
    await section('registry', async () => (await import('./ml-registry')).benchRegistry());
  }
  const minutes = (performance.now() - started) / 60_000;
  record({ metric: 'bench: whole run', value: minutes, unit: 'min', target: atMost(10) });
  const out = join(ROOT, 'bench-results.json');
  writeFileSync(out, JSON.stringify({ at: new Date().toISOString(), durationSeconds: DURATION, rows: recorded() }, null, 2));
  process.stdout.write(`\nwritten ${out}\n`);
  process.stdout.write(`${figureLine()}\n`);
  process.exit(process.exitCode ?? 0);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
