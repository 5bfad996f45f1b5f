import { request as httpRequest } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startStation, type TestStation } from '../helpers/station';

const T0 = Date.UTC(2024, 0, 1);

async function importBody(s: TestStation, body: string, contentType = 'text/csv', query = '') {
  return s.request('POST', `/api/v1/data/import${query}`, { rawBody: body, headers: { 'content-type': contentType } });
}

describe('POST /api/v1/data/import', () => {
  let s: TestStation;
  beforeAll(async () => {
    s = await startStation();
  });
  afterAll(async () => {
    await s.stop();
  });

  it('imports CSV with the same validation and idempotency as ingest, reporting line numbers', async () => {
    const csv = [
      'sensor_id,timestamp,value,unit,quality',
      `imp-1,${T0},1.5,bar,0.9`,
      `imp-1,${new Date(T0 + 1000).toISOString()},2.5,bar,`,
      `imp-1,${T0 + 2000},"1,5",bar,`,
      `imp-1,${T0 + 3000},NaN,bar,`,
      `imp-1,${T0 + 4000},4,psi,`,
      `imp-1,2024-01-01T00:00:05,5,bar,`,
      'bad id,2024-01-01T00:00:00Z,1,,',
      `imp-1,${T0 + 6000},6,bar`,
      `imp-1,${T0},9.9,bar,`,
      '',
      `imp-1,${T0 + 7000},7,bar,1`,
    ].join('\n');
    const r = await importBody(s, csv);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ format: 'csv', status: 'completed', rows: 10, stored: 3, duplicates: 0, conflicts: 1, rejected: 6 });
    const byLine = Object.fromEntries(r.body.issues.map((i: { line: number; message: string; detail?: string }) => [i.line, i.detail ?? i.message]));
    expect(byLine[4]).toMatch(/value must be a finite number, got string '1,5'/);
    expect(byLine[5]).toMatch(/got string 'NaN'/);
    expect(byLine[6]).toMatch(/unit 'psi' contradicts sensor 'imp-1'/);
    expect(byLine[7]).toMatch(/no UTC offset/);
    expect(byLine[8]).toMatch(/sensor_id must be/);
    expect(byLine[9]).toMatch(/row has 4 cells, the header has 5/);
    expect(byLine[10]).toMatch(/conflicts with stored value 1.5/);

    const again = await importBody(s, csv);
    expect(again.body).toMatchObject({ stored: 0, duplicates: 3, conflicts: 1 });
  });

  it('imports NDJSON, reporting unreadable lines and going on', async () => {
    const nd = [
      JSON.stringify({ sensor_id: 'nd-1', timestamp: T0, value: 1 }),
      '{"sensor_id": "nd-1", "timestamp": ',
      '[1,2]',
      JSON.stringify({ sensor_id: 'nd-1', timestamp: T0 + 1, value: 2, metadata: { source: 'handheld' } }),
      '',
    ].join('\r\n');
    const r = await importBody(s, nd, 'application/x-ndjson');
    expect(r.body).toMatchObject({ format: 'ndjson', rows: 4, stored: 2, rejected: 2 });
    expect(r.body.issues.map((i: { line: number }) => i.line)).toEqual([2, 3]);
    expect(r.body.issues[0].detail ?? r.body.issues[0].message).toMatch(/not valid JSON/);
  });

  it('takes column defaults and an assumed zone for files from handheld instruments (NAB sample)', async () => {
    const csv = readFileSync(join(ROOT, 'test', 'fixtures', 'nab-machine-temperature-head2000.csv'), 'utf8');
    const refused = await importBody(s, csv, 'text/csv', '?sensor_id=machine-temp');
    expect(refused.body).toMatchObject({ stored: 0, rejected: 2000 });
    expect(refused.body.issues[0].detail).toMatch(/no UTC offset/);
    expect(refused.body.issues_truncated).toBe(true);
    expect(refused.body.issues).toHaveLength(1000);

    const r = await importBody(s, csv, 'text/csv', '?sensor_id=machine-temp&sensor_type=temperature&unit=F&asset_id=machine-1&assume_timezone=UTC');
    expect(r.body).toMatchObject({ rows: 2000, stored: 2000, rejected: 0 });
    const sensor = (await s.request('GET', '/api/v1/sensors/machine-temp')).body;
    expect(sensor).toMatchObject({ sensor_type: 'temperature', unit: 'F', asset_id: 'machine-1', reading_count: 2000, first_timestamp: '2013-12-02T21:15:00.000Z' });
  });

  it('validates without storing on a dry run, reporting what would happen', async () => {
    const csv = `sensor_id,timestamp,value\ndry-1,${T0},1\ndry-1,${T0},2\nimp-1,${T0},1.5\n`;
    const r = await importBody(s, csv, 'text/csv', '?dry_run=true');
    expect(r.body).toMatchObject({ dry_run: true, stored: 1, conflicts: 1, duplicates: 1 });
    expect((await s.request('GET', '/api/v1/sensors/dry-1')).status).toBe(404);
  });

  it('refuses a file it cannot read, naming the problem', async () => {
    const missing = await importBody(s, 'sensor_id,timestamp\nx,1\n');
    expect(missing.status).toBe(422);
    expect(missing.body.error.message).toMatch(/missing column 'value'/);
    const unknown = await importBody(s, 'sensor_id,timestamp,value,colour\n');
    expect(unknown.body.error.message).toMatch(/unknown column 'colour'/);
    const empty = await importBody(s, '');
    expect(empty.status).toBe(422);
    expect(empty.body.error.message).toMatch(/empty/);
    const quote = await importBody(s, `sensor_id,timestamp,value\nq-1,${T0},1\n"q-1,${T0 + 1},2\n`);
    expect(quote.status).toBe(422);
    expect(quote.body.error.message).toMatch(/malformed CSV/);
    expect(quote.body.error.details.summary).toMatchObject({ status: 'failed' });
    const json = await s.request('POST', '/api/v1/data/import', { body: { readings: [] } });
    expect(json.status).toBe(415);
    expect(json.body.error.message).toMatch(/text\/csv or application\/x-ndjson/);
    const badOpt = await importBody(s, 'sensor_id,timestamp,value\n', 'text/csv', '?assume_timezone=Mars');
    expect(badOpt.status).toBe(422);
    expect(badOpt.body.error.details[0].path).toBe('assume_timezone');
  });

  it('records imports with their outcome, and refuses a reused import id', async () => {
    const id = randomUUID();
    const r = await importBody(s, `sensor_id,timestamp,value\nrec-1,${T0},1\n`, 'text/csv', `?import_id=${id}`);
    expect(r.body.import_id).toBe(id);
    const status = await s.request('GET', `/api/v1/data/imports/${id}`);
    expect(status.body).toMatchObject({ import_id: id, status: 'completed', rows: 1, stored: 1 });
    expect((await s.request('GET', '/api/v1/data/imports')).body.imports[0].import_id).toBe(id);
    const reused = await importBody(s, `sensor_id,timestamp,value\nrec-1,${T0 + 1},1\n`, 'text/csv', `?import_id=${id}`);
    expect(reused.status).toBe(409);
    expect((await s.request('GET', '/api/v1/data/imports/not%20an%20id')).status).toBe(422);
    expect((await s.request('GET', `/api/v1/data/imports/${randomUUID()}`)).status).toBe(404);
  });
});

/** Peak and current resident memory of a process, from /proc (Linux). */
function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)![1]);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

describe('bulk import of 1,000,000 rows', () => {
  it('streams with bounded memory, reports progress and stores every valid row', async () => {
    const { spawnServe } = await import('../helpers/serve-process');
    const { tempDir, ADMIN_KEY } = await import('../helpers/station');
    const dir = tempDir();
    // A 64 MB cap on the JavaScript heap: an import that held the file or its
    // rows in memory (40 MB of text, a million row objects) could not finish.
    const proc = await spawnServe(['--port', '0', '--data-dir', dir], {
      SMC_BOOTSTRAP_KEY: ADMIN_KEY,
      SMC_SIGN_IN_LINK: 'false',
      NODE_OPTIONS: '--max-old-space-size=64',
    });
    try {
      // Warm up (JIT, statement cache, page cache) before taking the baseline.
      const warm = await fetch(`${proc.url}/api/v1/data/import`, {
        method: 'POST',
        headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'text/csv' },
        body: 'sensor_id,timestamp,value\n' + Array.from({ length: 20_000 }, (_, i) => `warm,${T0 + i},${i}`).join('\n'),
      });
      expect(((await warm.json()) as { stored: number }).stored).toBe(20_000);
      const baseline = memoryOf(proc.child.pid!);

      const ROWS = 1_000_000;
      const BAD_LINE = 500_001; // 1-based line in the file (header is line 1)
      let bytesSent = 0;
      function* lines() {
        let chunk = 'sensor_id,timestamp,value,sensor_type,unit\n';
        for (let i = 0; i < ROWS; i++) {
          const line = i + 2;
          const sensor = `bulk-${i % 10}`;
          const ts = T0 + Math.floor(i / 10) * 1000;
          chunk += line === BAD_LINE ? `${sensor},${ts},not-a-number,vibration,mm/s\n` : `${sensor},${ts},${(i % 977) / 10},vibration,mm/s\n`;
          if (chunk.length > 64 * 1024) {
            bytesSent += chunk.length;
            yield chunk;
            chunk = '';
          }
        }
        bytesSent += chunk.length;
        yield chunk;
      }

      const importId = randomUUID();
      const progress: number[] = [];
      // Resident memory sampled along the import, with the rows done at that moment.
      const samples: Array<{ rows: number; rssMb: number }> = [];
      const poll = setInterval(() => {
        samples.push({ rows: progress[progress.length - 1] ?? 0, rssMb: memoryOf(proc.child.pid!).rssMb });
        fetch(`${proc.url}/api/v1/data/imports/${importId}`, { headers: { 'x-api-key': ADMIN_KEY } })
          .then((r) => (r.ok ? (r.json() as Promise<{ rows: number; status: string }>) : undefined))
          .then((b) => {
            if (b?.status === 'running') progress.push(b.rows);
          })
          .catch(() => undefined);
      }, 250);

      const summary = await new Promise<Record<string, any>>((resolve, reject) => {
        const url = new URL(`${proc.url}/api/v1/data/import?import_id=${importId}`);
        const req = httpRequest(url, { method: 'POST', headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'text/csv' } }, (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (d: string) => (text += d)).on('end', () => resolve(JSON.parse(text)));
        });
        req.on('error', reject);
        Readable.from(lines()).pipe(req);
      });
      clearInterval(poll);
      const after = memoryOf(proc.child.pid!);
      const growthMb = after.peakMb - baseline.rssMb;
      process.stdout.write(
        `1M-row import: ${(bytesSent / 1e6).toFixed(1)} MB in ${(summary.duration_ms / 1000).toFixed(1)} s ` +
          `(${Math.round(ROWS / (summary.duration_ms / 1000))} rows/s); RSS baseline ${baseline.rssMb.toFixed(0)} MB, ` +
          `peak ${after.peakMb.toFixed(0)} MB (+${growthMb.toFixed(0)} MB); progress samples ${progress.length}\n`,
      );

      expect(summary).toMatchObject({ status: 'completed', rows: ROWS, stored: ROWS - 1, rejected: 1, duplicates: 0 });
      expect(summary.issues).toEqual([expect.objectContaining({ line: BAD_LINE, field: 'value' })]);
      expect(summary.bytes).toBe(bytesSent);
      // The file is ~40 MB; holding it (or its rows) in memory would take several times that.
      expect(bytesSent).toBeGreaterThan(35e6);
      // Bounded: memory stops growing once the pipeline is warm — the second half
      // of the file adds (almost) nothing over the first, and the total stays small.
      const firstHalf = Math.max(...samples.filter((x) => x.rows > 0 && x.rows <= ROWS / 2).map((x) => x.rssMb));
      const secondHalf = Math.max(...samples.filter((x) => x.rows > ROWS / 2).map((x) => x.rssMb));
      process.stdout.write(`RSS peak in first half ${firstHalf.toFixed(0)} MB, in second half ${secondHalf.toFixed(0)} MB\n`);
      // Allowance: SQLite's page cache (32 MB, see main/core/platform/db.ts) fills as the file grows.
      expect(secondHalf - firstHalf).toBeLessThan(40);
      expect(growthMb).toBeLessThan(100);
      // Progress was visible while the import ran (a sample may also catch it just finished), and it only moved forward.
      expect(progress.filter((rows) => rows > 0 && rows < ROWS).length).toBeGreaterThanOrEqual(2);
      expect(progress).toEqual([...progress].sort((a, b) => a - b));

      const db = (await (await fetch(`${proc.url}/health/db`, { headers: { 'x-api-key': ADMIN_KEY } })).json()) as { readings: number };
      expect(db.readings).toBe(ROWS - 1 + 20_000);
    } finally {
      proc.child.kill('SIGTERM');
      await new Promise((r) => proc.child.once('exit', r));
    }
  }, 240_000);
});
