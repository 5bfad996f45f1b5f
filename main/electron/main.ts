import { app, BrowserWindow, dialog, ipcMain, session } from 'electron';
import { join } from 'node:path';
import { StationLockedError } from '../core/app';
import { ConfigError } from '../core/config';
import { DatabaseVersionError } from '../core/platform/migrate';
import type { Logger } from '../core/platform/log';
import { desktopConfig, openDesktopStation, startIngestionApi, type DesktopStation } from './desktop-station';
import { createEventBridge } from './event-bridge';
import { registerIpc } from './ipc';
import { createIpcDispatcher } from './ipc-dispatcher';
import { hardenSession, hardenWebContents, installAppProtocol, registerAppScheme } from './security';
import { APP_ENTRY_URL } from './security-policy';
import { createMainWindow } from './window';

// Composition root of the desktop app: each step is one small setup call.
// The bundle lives in out/main; preload and renderer are built beside it.

const OUT_DIR = join(__dirname, '..');
const RENDERER_DIR = join(OUT_DIR, 'renderer');
const PRELOAD_PATH = join(OUT_DIR, 'preload', 'index.js');
const PRODUCT_NAME = 'Smart Maintenance Console';

let mainWindow: BrowserWindow | null = null;

/**
 * One folder for Chromium's profile whatever the launch: `electron .` would
 * name it after package.json's "name" and a packaged build after its
 * productName. (The station's own data directory comes from the config, as for
 * `smc serve`.)
 */
function setupPaths(): void {
  app.setPath('userData', join(app.getPath('appData'), 'smart-maintenance-console'));
}

function showWindow(log: Logger): void {
  if (mainWindow && !mainWindow.isDestroyed()) {
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
    return;
  }
  mainWindow = createMainWindow({ preloadPath: PRELOAD_PATH, entryUrl: APP_ENTRY_URL, log });
  mainWindow.on('closed', () => {
    mainWindow = null;
  });
}

/** Stops the station (flushes the write queue, closes SQLite) before the process exits. */
function setupQuit(desktop: DesktopStation): void {
  let stopped = false;
  app.on('window-all-closed', () => {
    // macOS keeps the app (and the ingestion API) running with no window.
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', (event) => {
    if (stopped) return;
    event.preventDefault();
    desktop.station
      .stop()
      .catch((err: unknown) => desktop.log.error({ err }, 'station did not stop cleanly'))
      .finally(() => {
        stopped = true;
        desktop.log.info('station stopped');
        app.quit();
      });
  });
  // Ctrl+C in the terminal of `npm start`, or a service manager stopping us.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => app.quit());
}

/** A start that cannot go on (bad config, a database from a newer version…): say why, then exit. */
function fail(err: unknown): void {
  const expected = err instanceof ConfigError || err instanceof DatabaseVersionError || err instanceof StationLockedError;
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`smc: cannot start: ${expected || !(err instanceof Error) ? message : err.stack}\n`);
  dialog.showErrorBox(`${PRODUCT_NAME} cannot start`, message);
  app.exit(1);
}

async function main(): Promise<void> {
  await app.whenReady();
  let desktop: DesktopStation;
  try {
    desktop = await openDesktopStation(desktopConfig(process.env), RENDERER_DIR, join(__dirname, 'ml-worker.js'));
  } catch (err) {
    fail(err);
    return;
  }
  const { station, config, log } = desktop;
  hardenSession(session.defaultSession, log.child({ sub: 'security' }));
  hardenWebContents(app, APP_ENTRY_URL, log.child({ sub: 'security' }));
  installAppProtocol(session.defaultSession, RENDERER_DIR);
  registerIpc(ipcMain, createIpcDispatcher(station, { appEntryUrl: APP_ENTRY_URL, log }), createEventBridge(station.backbone, log), APP_ENTRY_URL);
  setupQuit(desktop);
  app.on('second-instance', () => showWindow(log));
  app.on('activate', () => showWindow(log));
  showWindow(log);
  await startIngestionApi(station, config, log);
}

registerAppScheme();
app.enableSandbox();
setupPaths();
// A second instance would open the same SQLite file and fight for the port:
// it hands over to the first (which shows its window) and leaves.
if (app.requestSingleInstanceLock()) {
  main().catch(fail);
} else {
  app.quit();
}
