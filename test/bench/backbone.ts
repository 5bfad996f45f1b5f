import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN_KEY, ROOT } from '../helpers/station';
import { below, type BenchRow } from './figures';
import { cannon, drained, DURATION } from './http';
import { interleaved, RAW_ROWS, type RawInserts, ROUND_SECONDS, ROUNDS, WARM_UP_SECONDS } from './raw-inserts';
import { quantile } from './timing';

// The event backbone under load, in a spawned `serve`:
// - batch ingest while online scoring really scores (an anomaly model
//   trained on the asset the readings belong to), against raw inserts, and
//   the same asset's shape with nothing to score;
// - commit-to-SSE delivery latency at 1,000 readings/s: the time from the
//   transaction that wrote an event (its `time`) to its arrival on an open
//   event stream.

const MINUTE = 60_000;
// A reading a minute: a fast machine sends millions of rows in these rounds, and
// the station refuses times in the future, so the asset's history starts long ago.
const T0 = Date.UTC(1995, 0, 1);
const HISTORY = 3000;
const SENSORS = ['mill-air-temp', 'mill-process-temp', 'mill-speed', 'mill-torque'] as const;

function ai4i(): number[][] {
  const lines = readFileSync(join(ROOT, 'assets', 'datasets', 'ai4i', 'ai4i2020.csv'), 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/).filter(Boolean).slice(1);
  return lines.map((l) => l.split(',')).map((c) => [Number(c[3]), Number(c[4]), Number(c[5]), Number(c[6])]);
}

const headers = { 'x-api-key': ADMIN_KEY, 'content-type': 'application/json' };

async function api(url: string, path: string, init: RequestInit = {}): Promise<any> {
  const res = await fetch(url + path, { ...init, headers: { ...headers, ...(init.headers as object) } });
  const text = await res.text();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

/** An asset with a trained anomaly model, its history imported; returns the rows for live ingest. */
async function trainedAsset(url: string): Promise<number[][]> {
  const rows = ai4i();
  for (const [j, id] of SENSORS.entries()) {
    const csv = ['sensor_id,timestamp,value', ...rows.slice(0, HISTORY).map((r, i) => `${id},${T0 + i * MINUTE},${r[j]}`)].join('\n');
    await api(url, '/api/v1/data/import?asset_id=mill-1', { method: 'POST', body: csv, headers: { 'content-type': 'text/csv' } });
  }
  const { job } = await api(url, '/api/v1/ml/train', { method: 'POST', body: JSON.stringify({ kind: 'anomaly', asset_id: 'mill-1', window: 16, epochs: 3, seed: 7 }) });
  for (;;) {
    const j = await api(url, `/api/v1/ml/jobs/${job.id}`);
    if (j.state === 'succeeded') break;
    if (j.state !== 'queued' && j.state !== 'running') throw new Error(`training ended ${j.state}: ${JSON.stringify(j.error)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return rows.slice(HISTORY);
}

/** Rounds of 1,000-reading batches (250 rows of the asset's four sensors) against raw inserts; sensor ids get `prefix`. */
async function assetRounds(url: string, raw: RawInserts, live: number[][], prefix: string) {
  const perBatch = 250;
  let next = 0;
  const drains: number[] = [];
  const p99s: number[] = [];
  const round = async (seconds: number) => {
    const run = await cannon({
      url: `${url}/api/v1/data/ingest`,
      method: 'POST',
      headers,
      connections: 4,
      duration: seconds,
      requests: [{
        setupRequest: (req) => {
          const start = next;
          next += perBatch;
          let body = '[';
          for (let i = start; i < start + perBatch; i++) {
            const r = live[i % live.length]!;
            const ts = T0 + (HISTORY + i) * MINUTE;
            for (const [j, id] of SENSORS.entries()) body += `${body.length > 1 ? ',' : ''}{"sensor_id":"${prefix}${id}","timestamp":${ts},"value":${r[j]}}`;
          }
          return { ...req, body: `${body}]` };
        },
      }],
    });
    if (run.non2xx > 0) throw new Error(`ingest: ${run.non2xx} responses were not 2xx (${JSON.stringify((run as { statusCodeStats?: unknown }).statusCodeStats)})`);
    // Online scoring runs after each commit: the round ends when it has caught up.
    const wait = await drained(url);
    drains.push(Math.round(wait));
    p99s.push(run.latency.p99);
    return (run['2xx'] * perBatch * SENSORS.length) / (seconds + wait / 1000);
  };
  await round(WARM_UP_SECONDS);
  raw.round(50_000);
  drains.length = 0;
  p99s.length = 0;
  const r = await interleaved(ROUNDS, () => raw.round(RAW_ROWS), () => round(ROUND_SECONDS));
  return { r, note: `median of ${ROUNDS} rounds, ratios ${r.ratios.map((x) => x.toFixed(2)).join(' / ')}; p99 ${p99s.join(' / ')} ms/batch; catching up took ${drains.join(' / ')} ms` };
}

/**
 * The same four-sensor asset ingested twice in one station: first under
 * other sensor ids with no model (what the asset's shape costs without
 * scoring), then after a model is trained on it, every reading scored.
 */
export async function benchScoredIngest(url: string, raw: RawInserts): Promise<BenchRow[]> {
  const rows = ai4i().slice(HISTORY);
  const bare = await assetRounds(url, raw, rows, 'bare-');
  const live = await trainedAsset(url);
  const scored = await assetRounds(url, raw, live, '');
  const events = (await api(url, '/api/v1/events?types=anomaly.onset,anomaly.cleared&limit=1000')).events.length as number;
  return [
    {
      metric: 'ingest: 1000-reading batches of a 4-sensor asset, no model', value: bare.r.value, unit: 'rows/s', reference: 'raw inserts', refValue: bare.r.refValue, ratio: bare.r.ratio,
      note: `the shape of the scored figure below, nothing to score; ${bare.note}`,
    },
    {
      metric: 'ingest: 1000-reading batches, online scoring a model', value: scored.r.value, unit: 'rows/s', reference: 'raw inserts', refValue: scored.r.refValue, ratio: scored.r.ratio,
      note: `asset with a trained anomaly model (4 sensors, window 16), every reading scored (the model pass in the online scoring worker); the rate counts the time scoring took to catch up; ${scored.note}; ${events} anomaly events`,
    },
  ];
}

/** Commit-to-delivery latency of events on an open SSE stream while 1,000 readings/s arrive in batches of 10. */
export async function benchSseLatency(url: string): Promise<BenchRow> {
  const abort = new AbortController();
  const res = await fetch(`${url}/api/v1/events/stream?types=readings.stored`, { headers: { 'x-api-key': ADMIN_KEY }, signal: abort.signal });
  const latencies: number[] = [];
  const reader = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        const now = Date.now();
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.includes('\nevent: stream.open\n')) continue;
          const data = block.split('\n').find((l) => l.startsWith('data: '));
          if (data) latencies.push(now - Date.parse((JSON.parse(data.slice(6)) as { time: string }).time));
        }
      }
    } catch {
      // aborted at the end
    }
  })();
  const seconds = Math.max(4, DURATION);
  const started = performance.now();
  let sent = 0;
  const T1 = Date.UTC(2024, 6, 1);
  while (performance.now() - started < seconds * 1000) {
    const due = Math.floor((performance.now() - started) / 10);
    while (sent <= due) {
      const base = sent * 10;
      const body = JSON.stringify(Array.from({ length: 10 }, (_, i) => ({ sensor_id: `sse-${i}`, timestamp: T1 + base + i, value: i })));
      void fetch(`${url}/api/v1/data/ingest`, { method: 'POST', headers, body }).then((r) => r.arrayBuffer());
      sent++;
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  await new Promise((r) => setTimeout(r, 500));
  abort.abort();
  await reader;
  latencies.sort((a, b) => a - b);
  const p95 = quantile(latencies, 0.95);
  return {
    metric: 'events: commit-to-SSE delivery p95 at 1,000 readings/s', value: p95, unit: 'ms',
    note: `${latencies.length} events over ${seconds} s (batches of 10), p50 ${quantile(latencies, 0.5)} ms, max ${latencies.at(-1)} ms`,
    target: below(50),
  };
}
