import { protocol, type App, type Session } from 'electron';
import type { Logger } from '../core/platform/log';
import { serveAppRequest } from './app-protocol';
import { APP_SCHEME, isAllowedNavigation } from './security-policy';

// Wires the pure rules of security-policy.ts to Electron. The window gets no
// permissions, no popups, no navigation away from the app, no webviews and no
// downloads: everything it needs goes through the preload bridge.

/**
 * `app://` as a standard, secure scheme: a real origin for CSP and the sender
 * check, treated like https (secure context), fetch-capable for the
 * renderer's own assets. Must run before the app is ready.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  ]);
}

/** Serves the built renderer on `app://smc/`, CSP header on every response. */
export function installAppProtocol(session: Session, rendererDir: string): void {
  session.protocol.handle(APP_SCHEME, (request) => serveAppRequest(request, rendererDir));
}

/** Session-wide denials: permissions, device access, downloads. */
export function hardenSession(session: Session, log: Logger): void {
  session.setPermissionRequestHandler((webContents, permission, callback) => {
    log.warn({ permission, url: webContents.getURL() }, 'permission request denied');
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.on('will-download', (event, item) => {
    // Exports are written by the main process (saveExport); the page never downloads.
    event.preventDefault();
    log.warn({ url: item.getURL() }, 'download blocked');
  });
}

/**
 * Per-window denials, applied to every webContents as it is created — before
 * any page loads — so no window can be missed.
 */
export function hardenWebContents(app: App, appEntryUrl: string, log: Logger): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(({ url }) => {
      log.warn({ url }, 'window.open denied');
      return { action: 'deny' };
    });
    const guard = (event: { preventDefault(): void; url: string }, kind: string) => {
      if (isAllowedNavigation(event.url, appEntryUrl)) return;
      event.preventDefault();
      log.warn({ url: event.url, kind }, 'navigation denied');
    };
    contents.on('will-navigate', (event) => guard(event, 'navigate'));
    contents.on('will-frame-navigate', (event) => {
      if (!event.isMainFrame) guard(event, 'frame-navigate');
    });
    contents.on('will-redirect', (event) => guard(event, 'redirect'));
    contents.on('will-attach-webview', (event) => {
      event.preventDefault();
      log.warn('webview attach denied');
    });
  });
}
