import { app, BrowserWindow, dialog, type IpcMain, type IpcMainInvokeEvent } from 'electron';
import type { EventBridge } from './event-bridge';
import { IPC_CHANNELS } from './ipc-channels';
import type { IpcDispatcher, Sender } from './ipc-dispatcher';
import { isTrustedSender } from './security-policy';

// The only IPC the main process listens to: three invoke channels, each
// handing the sending frame and the native file dialogs to the dispatcher,
// which checks the frame and the operation name before anything runs.

// The native dialogs are the only user-facing text the shell shows; the
// renderer's i18n cannot reach them, so they carry the two UI languages here.
const DIALOG_TEXT = {
  en: { exportTitle: 'Export readings', importTitle: 'Import readings', readings: 'Readings (CSV, NDJSON)', all: 'All files' },
  'pt-BR': { exportTitle: 'Exportar leituras', importTitle: 'Importar leituras', readings: 'Leituras (CSV, NDJSON)', all: 'Todos os arquivos' },
};

function dialogText() {
  return app.getLocale().toLowerCase().startsWith('pt') ? DIALOG_TEXT['pt-BR'] : DIALOG_TEXT.en;
}

function senderOf(event: IpcMainInvokeEvent): Sender {
  const frame = event.senderFrame;
  return { url: frame?.url, isMainFrame: frame !== null && frame.parent === null };
}

const untrusted = { ok: false as const, error: { code: 'forbidden', message: 'IPC is only accepted from the console window', status: 403 } };

export function registerIpc(ipcMain: IpcMain, dispatcher: IpcDispatcher, bridge: EventBridge, appEntryUrl: string): void {
  // Subscriptions live as long as the window's page: a reload or close ends them.
  const watched = new Set<number>();
  ipcMain.handle(IPC_CHANNELS.subscribe, (event, types: unknown, after: unknown) => {
    const s = senderOf(event);
    if (!s.isMainFrame || !isTrustedSender(s.url, appEntryUrl)) return untrusted;
    const contents = event.sender;
    if (!watched.has(contents.id)) {
      watched.add(contents.id);
      const id = contents.id;
      const end = () => {
        bridge.closeAll(id);
        watched.delete(id);
      };
      contents.once('destroyed', end);
      contents.on('did-start-navigation', (_e, _url, _inPlace, isMainFrame) => { if (isMainFrame) bridge.closeAll(id); });
    }
    return bridge.subscribe(contents.id, types, after, (msg) => {
      if (!contents.isDestroyed()) contents.send(IPC_CHANNELS.event, msg);
    });
  });
  ipcMain.handle(IPC_CHANNELS.unsubscribe, (event, id: unknown) => bridge.unsubscribe(event.sender.id, id));

  ipcMain.handle(IPC_CHANNELS.invoke, (event, name: unknown, input: unknown) => dispatcher.invoke(senderOf(event), name, input));

  ipcMain.handle(IPC_CHANNELS.saveExport, (event, name: unknown, input: unknown) =>
    dispatcher.saveExport(senderOf(event), name, input, async (suggestedName) => {
      const text = dialogText();
      const options = {
        title: text.exportTitle,
        defaultPath: suggestedName,
        filters: [{ name: 'CSV', extensions: ['csv'] }],
        properties: ['createDirectory', 'showOverwriteConfirmation'] as Array<'createDirectory' | 'showOverwriteConfirmation'>,
      };
      const win = BrowserWindow.fromWebContents(event.sender);
      const res = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
      return res.canceled || !res.filePath ? null : res.filePath;
    }),
  );

  ipcMain.handle(IPC_CHANNELS.importFile, (event, name: unknown, input: unknown) =>
    dispatcher.importFile(senderOf(event), name, input, async () => {
      const text = dialogText();
      const options = {
        title: text.importTitle,
        filters: [
          { name: text.readings, extensions: ['csv', 'tsv', 'txt', 'ndjson', 'jsonl'] },
          { name: text.all, extensions: ['*'] },
        ],
        properties: ['openFile'] as Array<'openFile'>,
      };
      const win = BrowserWindow.fromWebContents(event.sender);
      const res = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
      return res.canceled ? null : (res.filePaths[0] ?? null);
    }),
  );
}
