import { BrowserWindow } from 'electron';
import type { Logger } from '../core/log';
import { SECURE_WEB_PREFERENCES } from './security-policy';

// The console window. It loads the renderer from `app://smc/index.html`
// (see security-policy.ts for why not file:// or the station's HTTP URL) and
// appears only once painted, so operators never see a blank white frame.

export interface WindowOptions {
  preloadPath: string;
  entryUrl: string;
  log: Logger;
}

export function createMainWindow(opts: WindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1366,
    height: 860,
    minWidth: 1024,
    minHeight: 640,
    show: false,
    title: 'Smart Maintenance Console',
    backgroundColor: '#111418',
    webPreferences: { ...SECURE_WEB_PREFERENCES, preload: opts.preloadPath },
  });
  win.once('ready-to-show', () => win.show());
  win.webContents.on('render-process-gone', (_event, details) => {
    opts.log.error({ reason: details.reason, exitCode: details.exitCode }, 'renderer process gone');
  });
  win.loadURL(opts.entryUrl).catch((err: unknown) => opts.log.error({ err, url: opts.entryUrl }, 'could not load the console'));
  return win;
}
