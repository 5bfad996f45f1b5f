import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../main/core/platform/log';
import type { IpcResult } from '../../../main/electron/ipc-channels';
import { createIpcDispatcher, type IpcDispatcher, type Sender } from '../../../main/electron/ipc-dispatcher';
import { APP_ENTRY_URL } from '../../../main/electron/security-policy';
import { errorFromBridge } from '../../../renderer/api/api-error';
import { cmapssCsv } from '../../helpers/ml-data';
import { reading, startStation, tempDir, type TestStation } from '../../helpers/station';

// The IPC dispatcher against a real station (real SQLite in a temp folder),
// the way ipc.ts drives it, with file choosers standing in for the dialogs.

const WINDOW: Sender = { url: APP_ENTRY_URL, isMainFrame: true };
const T0 = Date.UTC(2024, 0, 1);

function errorOf(res: IpcResult): { code: string; message: string; details?: unknown; status: number; correlationId?: string } {
  if (res.ok) throw new Error(`expected a failure, got ${JSON.stringify(res.value)}`);
  return res.error;
}

function valueOf<T = any>(res: IpcResult<unknown>): T {
  if (!res.ok) throw new Error(`expected success, got ${JSON.stringify(res.error)}`);
  return res.value as T;
}

describe('createIpcDispatcher', () => {
  let s: TestStation;
  let ipc: IpcDispatcher;
  let files: string;
  const logLines: string[] = [];

  beforeAll(async () => {
    s = await startStation();
    files = tempDir('smc-ipc-files-');
    const log = createLogger({ level: 'info', destination: { write: (line: string) => void logLines.push(line) } });
    ipc = createIpcDispatcher(s.station, { appEntryUrl: APP_ENTRY_URL, log });
  });
  afterAll(async () => {
    await s.stop();
    rmSync(files, { recursive: true, force: true });
  });

  describe('invoke', () => {
    it('ingests and lists readings through the station', async () => {
      const ingest = valueOf(await ipc.invoke(WINDOW, 'data.ingest', { readings: [reading('pump-1', T0, 1.5), reading('pump-1', T0 + 1000, 2.5)] }));
      expect(ingest).toMatchObject({ received: 2, stored: 2, duplicates: 0 });
      const list = valueOf(await ipc.invoke(WINDOW, 'readings.list', { sensor_id: 'pump-1' }));
      expect(list.readings.map((r: { value: number }) => r.value)).toEqual([1.5, 2.5]);
      // What Electron does to every reply: it must survive structured cloning.
      expect(structuredClone(list)).toEqual(list);
    });

    it('acts as the local desktop user (admin)', async () => {
      const who = valueOf(await ipc.invoke(WINDOW, 'auth.whoami', {}));
      expect(who).toMatchObject({ kind: 'desktop', name: 'desktop', key_id: null, scopes: ['admin'] });
    });

    it('rejects an unknown operation with a typed error', async () => {
      const err = errorOf(await ipc.invoke(WINDOW, 'shell.exec', { cmd: 'rm -rf /' }));
      expect(err).toMatchObject({ code: 'not_found', status: 404, details: { operation: 'shell.exec' } });
      expect(err.message).toContain("unknown operation 'shell.exec'");
      expect(errorOf(await ipc.invoke(WINDOW, { toString: () => 'data.ingest' }, {})).code).toBe('not_found');
      expect(errorOf(await ipc.invoke(WINDOW, '__proto__', {})).code).toBe('not_found');
    });

    it("passes the core's validation error through, field by field", async () => {
      const err = errorOf(await ipc.invoke(WINDOW, 'data.ingest', { readings: [{ sensor_id: 'pump-1', timestamp: T0, value: 'hot' }] }));
      expect(err.code).toBe('validation_failed');
      expect(err.status).toBe(422);
      expect(err.details).toEqual([expect.objectContaining({ index: 0, field: 'value' })]);
      expect(structuredClone(err)).toEqual(err);

      const shape = errorOf(await ipc.invoke(WINDOW, 'readings.list', { limit: 0 }));
      expect(shape).toMatchObject({ code: 'validation_failed', details: [expect.objectContaining({ path: 'limit' })] });
    });

    it('refuses frames that are not the console window', async () => {
      for (const sender of [
        { url: 'https://evil.com/app://smc/index.html', isMainFrame: true },
        { url: 'app://smc.evil.com/index.html', isMainFrame: true },
        { url: 'file:///tmp/x.html', isMainFrame: true },
        { url: APP_ENTRY_URL, isMainFrame: false },
        { url: null, isMainFrame: true },
      ]) {
        const err = errorOf(await ipc.invoke(sender, 'sensors.list', {}));
        expect(err).toMatchObject({ code: 'forbidden', status: 403 });
      }
      expect(logLines.some((l) => l.includes('IPC from an untrusted frame refused'))).toBe(true);
    });

    it('sends the streamed operations to their own channels', async () => {
      expect(errorOf(await ipc.invoke(WINDOW, 'readings.export', {}))).toMatchObject({ code: 'bad_request', message: expect.stringContaining('saveExport') });
      expect(errorOf(await ipc.invoke(WINDOW, 'data.import', {}))).toMatchObject({ code: 'bad_request', message: expect.stringContaining('importFile') });
    });

    it('says how long to wait where HTTP would send Retry-After, and the console reads it', async () => {
      const body = { kind: 'rul', csv: cmapssCsv((u) => u <= 3), asset_col: 'unit', time_col: 'cycle', epochs: 200 };
      const jobs = [];
      for (let i = 0; i < 2; i++) jobs.push(valueOf(await ipc.invoke(WINDOW, 'ml.train', { ...body, model_name: `rul.ipc-${i}` })).job.id as string);
      const err = errorOf(await ipc.invoke(WINDOW, 'ml.train', { ...body, model_name: 'rul.ipc-2' }));
      expect(err).toMatchObject({ code: 'rate_limited', status: 429 });
      expect((err as { retryAfterS?: number }).retryAfterS).toBeGreaterThan(0);
      expect(errorFromBridge(err).retryAfterS).toBe((err as { retryAfterS?: number }).retryAfterS);
      // Errors without a wait carry none.
      expect(errorOf(await ipc.invoke(WINDOW, 'sensors.get', { id: 'no-such-sensor' }))).not.toHaveProperty('retryAfterS');
      for (const id of jobs) await ipc.invoke(WINDOW, 'ml.jobs.cancel', { id });
    }, 60_000);

    it('tags every error with a correlation id that is also in the log', async () => {
      const err = errorOf(await ipc.invoke(WINDOW, 'sensors.get', { id: 'no-such-sensor' }));
      expect(err.code).toBe('not_found');
      expect(err.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('saveExport', () => {
    it('writes the CSV where the user chose and returns the path', async () => {
      const target = join(files, 'export.csv');
      let suggested = '';
      const res = await ipc.saveExport(WINDOW, 'readings.export', { sensor_id: 'pump-1' }, async (name) => {
        suggested = name;
        return target;
      });
      expect(valueOf(res)).toBe(target);
      expect(suggested).toMatch(/^readings-\d{8}T\d{6}\.csv$/);
      const lines = readFileSync(target, 'utf8').trim().split('\n');
      expect(lines[0]).toBe('sensor_id,timestamp,value,quality,sensor_type,unit,asset_id');
      expect(lines.slice(1).map((l) => l.split(',')[2])).toEqual(['1.5', '2.5']);
      expect(readdirSync(files).filter((f) => f.endsWith('.part'))).toEqual([]);
    });

    it('resolves to null and writes nothing when the user cancels', async () => {
      const before = readdirSync(files);
      expect(valueOf(await ipc.saveExport(WINDOW, 'readings.export', {}, async () => null))).toBeNull();
      expect(readdirSync(files)).toEqual(before);
    });

    it('validates the filter before asking for a file', async () => {
      let asked = false;
      const res = await ipc.saveExport(WINDOW, 'readings.export', { order: 'sideways' }, async () => {
        asked = true;
        return join(files, 'never.csv');
      });
      expect(errorOf(res)).toMatchObject({ code: 'validation_failed', details: [expect.objectContaining({ path: 'order' })] });
      expect(asked).toBe(false);
    });

    it('reports a destination it cannot write as a typed error and leaves no partial file', async () => {
      const res = await ipc.saveExport(WINDOW, 'readings.export', {}, async () => join(files, 'no-such-dir', 'x.csv'));
      expect(errorOf(res)).toMatchObject({ code: 'bad_request', message: expect.stringContaining('ENOENT') });
    });

    it('refuses operations that do not produce a file, and untrusted frames', async () => {
      expect(errorOf(await ipc.saveExport(WINDOW, 'sensors.list', {}, async () => join(files, 'x.csv'))).code).toBe('bad_request');
      expect(errorOf(await ipc.saveExport({ url: 'https://evil.com/', isMainFrame: true }, 'readings.export', {}, async () => join(files, 'x.csv'))).code).toBe('forbidden');
      expect(existsSync(join(files, 'x.csv'))).toBe(false);
    });
  });

  describe('importFile', () => {
    it('streams a CSV file into the station', async () => {
      const csv = join(files, 'handheld.csv');
      writeFileSync(csv, `sensor_id,timestamp,value\nvib-7,${new Date(T0).toISOString()},0.25\nvib-7,${new Date(T0 + 60_000).toISOString()},0.5\nvib-7,not-a-time,1\n`);
      const out = valueOf(await ipc.importFile(WINDOW, 'data.import', {}, async () => csv));
      expect(out).toMatchObject({ format: 'csv', status: 'completed', stored: 2, rejected: 1 });
      expect(out.issues[0]).toMatchObject({ line: 4 });
      const list = valueOf(await ipc.invoke(WINDOW, 'readings.list', { sensor_id: 'vib-7' }));
      expect(list.readings).toHaveLength(2);
    });

    it('reads NDJSON by its extension', async () => {
      const file = join(files, 'batch.ndjson');
      writeFileSync(file, `${JSON.stringify(reading('temp-3', T0, 20))}\n${JSON.stringify(reading('temp-3', T0 + 1000, 21))}\n`);
      expect(valueOf(await ipc.importFile(WINDOW, 'data.import', {}, async () => file))).toMatchObject({ format: 'ndjson', stored: 2 });
    });

    it('validates the options before asking for a file', async () => {
      let asked = false;
      const res = await ipc.importFile(WINDOW, 'data.import', { delimiter: 'x' }, async () => {
        asked = true;
        return null;
      });
      expect(errorOf(res)).toMatchObject({ code: 'validation_failed', details: [expect.objectContaining({ path: 'delimiter' })] });
      expect(asked).toBe(false);
    });

    it('resolves to null when the user cancels', async () => {
      expect(valueOf(await ipc.importFile(WINDOW, 'data.import', {}, async () => null))).toBeNull();
    });

    it('names the problem with files it cannot import', async () => {
      const pdf = join(files, 'report.pdf');
      writeFileSync(pdf, '%PDF');
      expect(errorOf(await ipc.importFile(WINDOW, 'data.import', {}, async () => pdf))).toMatchObject({ code: 'unsupported_media_type' });
      expect(errorOf(await ipc.importFile(WINDOW, 'data.import', {}, async () => join(files, 'gone.csv')))).toMatchObject({
        code: 'bad_request',
        message: expect.stringContaining('ENOENT'),
      });
      expect(errorOf(await ipc.importFile(WINDOW, 'sensors.list', {}, async () => pdf)).code).toBe('bad_request');
    });
  });
});

describe('createIpcDispatcher on unexpected failures', () => {
  it('logs the cause and sends the window only a code and a correlation id', async () => {
    const s = await startStation();
    const logLines: string[] = [];
    const log = createLogger({ level: 'info', destination: { write: (line: string) => void logLines.push(line) } });
    const ipc = createIpcDispatcher(s.station, { appEntryUrl: APP_ENTRY_URL, log });
    // A real fault, not a mock: the database is closed under the station.
    s.station.db.close();
    const res = await ipc.invoke(WINDOW, 'sensors.list', {});
    const err = errorOf(res);
    expect(err).toMatchObject({ code: 'internal', status: 500 });
    expect(err.message).toBe(`internal error (correlation id ${err.correlationId})`);
    expect(JSON.stringify(err)).not.toMatch(/stack|at .*\.ts|database/i);
    const logged = logLines.find((l) => l.includes('IPC operation failed'));
    expect(logged).toContain(err.correlationId);
    expect(logged).toMatch(/database connection is not open/);
    await s.station.http.close();
    rmSync(s.dir, { recursive: true, force: true });
  });
});
