import { dirname, join } from 'node:path';
import pino from 'pino';
import { createStation, type Station } from '../core/app';
import { loadConfig, type StationConfig } from '../core/config';
import { secureDirectory } from '../core/platform/db';
import { createLogger, type Logger } from '../core/platform/log';

// The station as the desktop app runs it: the same data directory as
// `smc serve` (SMC_DATA_DIR or the platform default), so the desktop app, the
// headless service and `smc keys` on one workstation share one station; a log file next to the database (a GUI
// app's stdout is read by nobody), and an HTTP ingestion API whose failure to
// bind is reported, not fatal — the console works over IPC without it.
// No electron import: main.ts passes in the paths Electron knows.

export interface DesktopStation {
  station: Station;
  config: StationConfig;
  log: Logger;
  logFile: string;
}

export function desktopConfig(env: NodeJS.ProcessEnv): StationConfig {
  return loadConfig({ env });
}

export function desktopLogFile(config: StationConfig): string {
  return join(config.dataDir, 'logs', 'desktop.log');
}

function desktopLogger(config: StationConfig, logFile: string): Logger {
  const level = config.logLevel === 'silent' ? 'fatal' : config.logLevel;
  // Synchronous file writes: the last lines before a crash are the ones that matter.
  const file = pino.destination({ dest: logFile, mkdir: true, sync: true });
  return createLogger({ level: config.logLevel, destination: pino.multistream([{ stream: process.stdout, level }, { stream: file, level }]) });
}

export async function openDesktopStation(config: StationConfig, rendererDir: string, mlWorkerScript?: string): Promise<DesktopStation> {
  const logFile = desktopLogFile(config);
  secureDirectory(dirname(logFile));
  const log = desktopLogger(config, logFile);
  // The online scoring worker is built beside the model worker.
  const workers = mlWorkerScript ? { mlWorkerScript, onlineWorkerScript: join(dirname(mlWorkerScript), 'online-worker.js') } : {};
  const station = await createStation(config, { log, rendererDir, ...workers });
  // Background work and the station lock first: the console works even when the HTTP port cannot be opened.
  await station.open();
  log.info({ dataDir: config.dataDir, logFile }, 'station opened');
  return { station, config, log, logFile };
}

const BIND_HINT: Record<string, string> = {
  EADDRINUSE: 'is already in use (another station or program?)',
  EACCES: 'may not be opened by this user',
  EADDRNOTAVAIL: 'names an address this machine does not have',
};

/**
 * Starts the HTTP ingestion API; resolves to its URL, or null when it could
 * not listen. Devices cannot post readings until that is fixed, but the
 * operator still gets the console, so this logs and carries on.
 */
export async function startIngestionApi(station: Station, config: StationConfig, log: Logger): Promise<string | null> {
  try {
    const url = await station.start();
    log.info({ url }, 'HTTP ingestion API listening');
    return url;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    const hint = BIND_HINT[code] ?? `could not be opened (${(err as Error).message})`;
    log.error(
      { err, host: config.host, port: config.port, code },
      `HTTP ingestion API is OFF: ${config.host}:${config.port} ${hint}. Devices cannot post readings until it is freed or another port is set (SMC_PORT or "port" in ${join(config.dataDir, 'config.json')}); the console itself keeps working.`,
    );
    return null;
  }
}
