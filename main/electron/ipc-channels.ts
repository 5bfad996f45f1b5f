// The IPC channels between the preload bridge and the main process.
// Shared by both sides so a rename cannot leave one of them talking to nothing;
// plain constants, safe to bundle into the sandboxed preload.

export const IPC_CHANNELS = {
  invoke: 'smc:invoke',
  saveExport: 'smc:save-export',
  importFile: 'smc:import-file',
  subscribe: 'smc:subscribe',
  unsubscribe: 'smc:unsubscribe',
  /** Main → window: events of a subscription. */
  event: 'smc:event',
} as const;

/** A typed failure as it crosses IPC: the renderer's client turns it into an ApiError. */
export interface IpcError {
  code: string;
  message: string;
  details?: unknown;
  /** The HTTP status the same failure gets over REST, so both transports read alike. */
  status: number;
  /** Absent when the preload refused the call before it reached the main process. */
  correlationId?: string;
  /** Seconds to wait before trying again, when the station asks for a wait (Retry-After over HTTP). */
  retryAfterS?: number;
}

/**
 * What every handler resolves to. Errors travel as data, not as a rejection:
 * Electron re-wraps a thrown Error as "Error invoking remote method …" and
 * drops its code and details, so the preload unwraps this envelope instead.
 */
export type IpcResult<T = unknown> = { ok: true; value: T } | { ok: false; error: IpcError };
