import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { ADMIN_KEY, ROOT } from '../helpers/station';
import { quantile } from './timing';

// HTTP plumbing shared by the station benches: the empty-route reference
// server, autocannon runs, and sequential latency sampling.

export const DURATION = Number(process.env.BENCH_SECONDS ?? 8);

export function startEmptyServer(): Promise<{ child: ChildProcess; url: string }> {
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

export function cannon(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon({ duration: DURATION, connections: 8, ...opts }, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

/** A finished response: status and the whole body as text. */
export interface Fetched {
  ok: boolean;
  status: number;
  text: string;
}

/**
 * GETs through node:http on one kept-alive socket, as a browser tab reuses
 * its connection. The latency figures use it rather than fetch (undici):
 * fetch's own work in the bench's process, measured on the same pages,
 * added about 0.5 ms to the median and 2 ms to the 95th percentile, which is
 * the client's cost, not the station's (large-store.ts prints both).
 */
export function keepAliveGetter(base: string, headers: Record<string, string>): { get: (path: string) => Promise<Fetched>; close: () => void } {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const get = (path: string) =>
    new Promise<Fetched>((resolve, reject) => {
      httpRequest(`${base}${path}`, { headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ ok: (res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300, status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      }).on('error', reject).end();
    });
  return { get, close: () => agent.destroy() };
}

/** `fetch` with the body read, in the shape the latency sampler takes. */
export async function fetched(url: string, init?: RequestInit): Promise<Fetched> {
  const res = await fetch(url, init);
  return { ok: res.ok, status: res.status, text: await res.text() };
}

/**
 * p50 and p95 (ms) of `n` requests made one after another, after warm-up
 * ones: a station just started has not yet compiled its request path, and
 * the steady state is what an operator clicking through pages sees. Each
 * request resolves once its whole body has arrived.
 */
export async function sequentialLatency(n: number, request: (i: number) => Promise<Fetched>, warmUp = 50): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < warmUp; i++) await request(i);
  const t: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    const res = await request(i);
    if (!res.ok) throw new Error(`request ${i} failed: ${res.status}`);
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  return { p50: quantile(t, 0.5), p95: quantile(t, 0.95) };
}

/** Resolves once every consumer has caught up, so the next reference round has the machine to itself. */
export async function drained(url: string): Promise<number> {
  const started = performance.now();
  for (;;) {
    const res = await fetch(`${url}/api/v1/events/consumers`, { headers: { 'x-api-key': ADMIN_KEY } });
    const { consumers } = (await res.json()) as { consumers: Array<{ lag: number }> };
    if (consumers.every((c) => c.lag === 0)) return performance.now() - started;
    if (performance.now() - started > 120_000) throw new Error(`consumers still behind: ${JSON.stringify(consumers)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
