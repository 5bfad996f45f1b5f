import { connect, type Socket } from 'node:net';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startStation, type TestStation } from '../helpers/station';

// What one client may cost the station, reproduced as the attacks found
// them: replay records that amplify writes, many large bodies at once, a
// body trickled a byte at a time, hundreds of idle sockets.

const T0 = Date.UTC(2024, 4, 1, 12);

let s: TestStation | undefined;
afterEach(async () => {
  await s?.stop();
  s = undefined;
});

function rawRequest(url: string, head: string): Promise<Socket> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const sock = connect(Number(u.port), u.hostname, () => {
      sock.write(head);
      resolve(sock);
    });
    sock.once('error', reject);
  });
}

function closed(sock: Socket, withinMs: number): Promise<{ closed: boolean; data: string }> {
  let data = '';
  sock.setEncoding('utf8').on('data', (d: string) => (data += d));
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ closed: false, data }), withinMs);
    sock.once('close', () => {
      clearTimeout(timer);
      resolve({ closed: true, data });
    });
  });
}

describe('request limits', () => {
  it('keeps replay records of Idempotency-Key requests small: 21 partial batches of 10,000 refusals grow the database by little', async () => {
    s = await startStation();
    const body = JSON.stringify(Array.from({ length: 10_000 }, () => ({})));
    const dbFile = join(s.dir, 'station.db');
    const size = () => statSync(dbFile).size + statSync(`${dbFile}-wal`).size;
    const before = size();
    for (let i = 0; i < 21; i++) {
      const r = await s.request('POST', '/api/v1/data/ingest?partial=true', { rawBody: body, headers: { 'content-type': 'application/json', 'idempotency-key': `amp-${i}` } });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ stored: 0, rejected_count: 10_000, rejected_truncated: true });
      expect(r.body.rejected).toHaveLength(1000);
    }
    // The same key replays the same answer, from the compressed record.
    const replay = await s.request('POST', '/api/v1/data/ingest?partial=true', { rawBody: body, headers: { 'content-type': 'application/json', 'idempotency-key': 'amp-3' } });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.rejected_count).toBe(10_000);
    // Before: 63 MB for 21 requests (3.5 MB each). Now a few kB each.
    expect(size() - before).toBeLessThan(4 * 1024 * 1024);
    const stored = s.station.db.prepare('SELECT SUM(size_bytes) AS n, COUNT(*) AS c FROM idempotency').get() as { n: number; c: number };
    expect(stored.c).toBe(21);
    expect(stored.n / stored.c).toBeLessThan(40 * 1024);
  });

  it('refuses new large bodies with 503 and Retry-After while the in-flight budget is spent, then takes them again', async () => {
    s = await startStation({}, { station: { limits: { inFlightBodyBytes: 2 * 1024 * 1024 } } });
    const big = JSON.stringify(Array.from({ length: 9000 }, (_, i) => ({ sensor_id: 'budget', timestamp: T0 + i, value: i, metadata: { note: 'x'.repeat(100) } })));
    expect(big.length).toBeGreaterThan(1024 * 1024);
    // Hold one large body open (half sent), so its reservation stands.
    const held = await rawRequest(s.url, `POST /api/v1/data/ingest HTTP/1.1\r\nHost: x\r\nX-API-Key: ${s.adminKey}\r\nContent-Type: application/json\r\nContent-Length: ${big.length}\r\n\r\n${big.slice(0, 1000)}`);
    const second = await rawRequest(s.url, `POST /api/v1/data/ingest HTTP/1.1\r\nHost: x\r\nX-API-Key: ${s.adminKey}\r\nContent-Type: application/json\r\nContent-Length: ${big.length}\r\n\r\n${big.slice(0, 1000)}`);
    const third = await s.request('POST', '/api/v1/data/ingest', { rawBody: big, headers: { 'content-type': 'application/json' } });
    expect(third.status).toBe(503);
    expect(third.body.error).toMatchObject({ code: 'unavailable', details: { reason: 'body_budget' } });
    expect(third.headers.get('retry-after')).toBe('1');
    held.destroy();
    second.destroy();
    await new Promise((r) => setTimeout(r, 200));
    const again = await s.request('POST', '/api/v1/data/ingest', { rawBody: big, headers: { 'content-type': 'application/json' } });
    expect(again.status, again.text).toBe(200);
    expect((await s.request('GET', '/health')).status).toBe(200);
  });

  it('ends a body trickled byte by byte with 408, while /health keeps answering', async () => {
    s = await startStation({}, { station: { limits: { slowBodyGraceMs: 600, minBodyBytesPerSecond: 1024 } } });
    const body = JSON.stringify({ sensor_id: 'slow', timestamp: T0, value: 1 });
    const sock = await rawRequest(s.url, `POST /api/v1/data/ingest HTTP/1.1\r\nHost: x\r\nX-API-Key: ${s.adminKey}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
    let i = 0;
    const drip = setInterval(() => {
      if (i < body.length && !sock.destroyed) sock.write(body[i++]!);
    }, 200);
    const started = Date.now();
    const done = closed(sock, 10_000);
    expect((await s.request('GET', '/health', { key: null })).status).toBe(200);
    const r = await done;
    clearInterval(drip);
    expect(r.closed).toBe(true);
    expect(Date.now() - started).toBeLessThan(8000);
    expect(i).toBeLessThan(body.length);
    expect((await s.request('GET', '/api/v1/readings?sensor_id=slow')).body.readings).toEqual([]);
  });

  it('caps open connections and closes sockets that send nothing', async () => {
    s = await startStation({}, { station: { maxConnections: 50, idleSocketMs: 500 } });
    const socks = await Promise.all(Array.from({ length: 60 }, () => rawRequest(s!.url, '')));
    const outcomes = await Promise.all(socks.map((x) => closed(x, 5000)));
    // Past the cap the station drops a connection at once; every silent one goes after the idle timeout.
    expect(outcomes.every((o) => o.closed)).toBe(true);
    expect((await s.request('GET', '/health', { key: null })).status).toBe(200);
    // In production the same settings hold, with their own values (Node's defaults would keep a silent socket for minutes).
    const server = s.station.http.server;
    expect(server.headersTimeout).toBeLessThanOrEqual(15_000);
    expect(server.requestTimeout).toBeGreaterThan(0);
    expect(server.maxConnections).toBe(50);
  });
});
