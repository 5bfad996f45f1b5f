import { BrowserWindow } from 'electron';
import type { Logger } from '../core/platform/log';

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
    // Written out here, not spread from a constant, so the security scanner
    // (scripts/electron-security-scan.js) reads the real values. There is one
    // window and one place these are set: tests and production share them.
    webPreferences: {
      preload: opts.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      // Middle-click would otherwise open links in new windows.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  win.once('ready-to-show', () => win.show());
  win.webContents.on('render-process-gone', (_event, details) => {
    opts.log.error({ reason: details.reason, exitCode: details.exitCode }, 'renderer process gone');
  });
  win.loadURL(opts.entryUrl).catch((err: unknown) => opts.log.error({ err, url: opts.entryUrl }, 'could not load the console'));
  return win;
}
