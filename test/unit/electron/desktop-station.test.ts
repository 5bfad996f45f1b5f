import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createStation } from '../../../main/core/app';
import { createLogger } from '../../../main/core/platform/log';
import { defaultDataDir } from '../../../main/core/config';
import { desktopConfig, desktopLogFile, openDesktopStation, startIngestionApi } from '../../../main/electron/desktop-station';
import { createIpcDispatcher } from '../../../main/electron/ipc-dispatcher';
import { APP_ENTRY_URL } from '../../../main/electron/security-policy';
import { startStation, tempDir } from '../../helpers/station';

const cleanup: string[] = [];
afterAll(() => {
  for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
});

describe('desktopConfig', () => {
  it('shares the headless station\'s data directory by default', () => {
    const xdg = tempDir('smc-xdg-');
    cleanup.push(xdg);
    const config = desktopConfig({ XDG_DATA_HOME: xdg });
    expect(config.dataDir).toBe(resolve(defaultDataDir({ XDG_DATA_HOME: xdg })));
    expect(config.port).toBe(8000);
    expect(config.host).toBe('127.0.0.1');
  });

  it('lets SMC_DATA_DIR and the other SMC_* variables win', () => {
    const dataDir = tempDir('smc-data-');
    cleanup.push(dataDir);
    const config = desktopConfig({ SMC_DATA_DIR: dataDir, SMC_PORT: '0' });
    expect(config.dataDir).toBe(resolve(dataDir));
    expect(config.port).toBe(0);
  });
});

describe('openDesktopStation', () => {
  it('opens the station and logs to a file beside the database', async () => {
    const dir = tempDir('smc-desktop-');
    cleanup.push(dir);
    const config = { ...desktopConfig({ SMC_DATA_DIR: dir, SMC_PORT: '0', SMC_LOG_LEVEL: 'warn' }) };
    const desktop = await openDesktopStation(config, join(dir, 'no-renderer'));
    expect(desktop.logFile).toBe(desktopLogFile(config));
    desktop.log.warn('a line for the file');
    expect(readFileSync(desktop.logFile, 'utf8')).toContain('a line for the file');
    expect(await startIngestionApi(desktop.station, config, desktop.log)).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await desktop.station.stop();
    expect(existsSync(join(dir, 'logs', 'desktop.log'))).toBe(true);
  });
});

describe('startIngestionApi', () => {
  it('reports a busy port in the log and leaves the console working over IPC', async () => {
    const first = await startStation();
    const port = Number(new URL(first.url).port);
    const dir = tempDir('smc-busy-');
    cleanup.push(dir);
    const lines: string[] = [];
    const log = createLogger({ level: 'info', destination: { write: (l: string) => void lines.push(l) } });
    const config = { ...desktopConfig({ SMC_DATA_DIR: dir }), port, logLevel: 'info' as const };
    const second = await createStation(config, { log });

    await expect(startIngestionApi(second, config, log)).resolves.toBeNull();
    const notice = lines.map((l) => JSON.parse(l)).find((l) => l.level === 50);
    expect(notice.msg).toContain(`HTTP ingestion API is OFF: 127.0.0.1:${port} is already in use`);
    expect(notice.code).toBe('EADDRINUSE');

    const ipc = createIpcDispatcher(second, { appEntryUrl: APP_ENTRY_URL, log });
    const res = await ipc.invoke({ url: APP_ENTRY_URL, isMainFrame: true }, 'data.ingest', { readings: [{ sensor_id: 's', timestamp: Date.UTC(2024, 0, 1), value: 1 }] });
    expect(res).toMatchObject({ ok: true, value: { stored: 1 } });

    await second.stop();
    await first.stop();
  });
});
