import { contextBridge, ipcRenderer } from 'electron';
import { IPC_CHANNELS, type IpcError, type IpcResult } from '../main/electron/ipc-channels';
import type { SmcBridge } from './bridge-types';
import { isEventType, isOperationName } from '../contract';

// The whole surface the page gets: `window.smc`, a few functions over fixed
// channels, for contract operation names and event types only. ipcRenderer itself is
// never exposed and no channel name comes from the page.

type Channel = (typeof IPC_CHANNELS)[keyof typeof IPC_CHANNELS];

/** Rejections are plain `{code, message, details, status, correlationId}` objects: contextBridge strips custom fields from Errors. */
function failure(code: string, message: string, status: number, details?: unknown): IpcError {
  return { code, message, status, ...(details === undefined ? {} : { details }) };
}

function isResult(value: unknown): value is IpcResult {
  if (value === null || typeof value !== 'object' || typeof (value as { ok?: unknown }).ok !== 'boolean') return false;
  const v = value as { ok: boolean; error?: unknown };
  return v.ok || (typeof v.error === 'object' && v.error !== null && typeof (v.error as { code?: unknown }).code === 'string');
}

async function call(channel: Channel, operation: string, input: unknown): Promise<unknown> {
  if (!isOperationName(operation)) {
    throw failure('not_found', `unknown operation '${String(operation)}'`, 404, { operation: String(operation) });
  }
  const result: unknown = await ipcRenderer.invoke(channel, operation, input);
  if (!isResult(result)) throw failure('internal', 'the desktop shell sent a malformed reply', 500);
  if (!result.ok) throw result.error;
  return result.value;
}

interface EventPush {
  subscription: string;
  events: unknown[];
}

// One listener on the push channel for every subscription of this page.
const listeners = new Map<string, (events: unknown[]) => void>();
ipcRenderer.on(IPC_CHANNELS.event, (_event, msg: EventPush) => {
  if (msg && typeof msg.subscription === 'string' && Array.isArray(msg.events)) listeners.get(msg.subscription)?.(msg.events);
});

async function subscribe(types: readonly string[], after: number | null, listener: (events: unknown[]) => void, onOpen?: (after: number) => void): Promise<() => void> {
  if (!Array.isArray(types) || !types.every(isEventType)) throw failure('validation_failed', 'unknown event type', 422, [{ path: 'types', message: 'unknown event type' }]);
  if (typeof listener !== 'function') throw failure('validation_failed', 'a listener function is required', 422);
  const result: unknown = await ipcRenderer.invoke(IPC_CHANNELS.subscribe, [...types], after);
  if (!isResult(result)) throw failure('internal', 'the desktop shell sent a malformed reply', 500);
  if (!result.ok) throw result.error;
  const { subscription, after: start } = result.value as { subscription: string; after: number };
  listeners.set(subscription, listener);
  if (typeof onOpen === 'function') onOpen(start);
  return () => {
    listeners.delete(subscription);
    void ipcRenderer.invoke(IPC_CHANNELS.unsubscribe, subscription);
  };
}

const bridge: SmcBridge = {
  invoke: (operation, input) => call(IPC_CHANNELS.invoke, operation, input),
  saveExport: (operation, input) => call(IPC_CHANNELS.saveExport, operation, input) as Promise<string | null>,
  importFile: (operation, input) => call(IPC_CHANNELS.importFile, operation, input),
  subscribe,
  platform: process.platform,
};

contextBridge.exposeInMainWorld('smc', bridge);
