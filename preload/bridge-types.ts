// The surface the preload script exposes to the renderer as `window.smc`.
// Shared by preload (which implements it) and renderer (which uses it when
// running inside the desktop app); it forwards contract operations only.

export interface SmcBridge {
  /** Calls a contract operation by name; rejects with { code, message, details } on failure. */
  invoke(operation: string, input: unknown): Promise<unknown>;
  /** Saves a streamed operation's result (CSV export) to a file the user picks; resolves to the path or null if cancelled. */
  saveExport(operation: string, input: unknown): Promise<string | null>;
  /** Imports a file the user picks through a streamed operation; resolves to the operation's result or null if cancelled. */
  importFile(operation: string, input: unknown): Promise<unknown>;
  /**
   * Follows the station's events (contract event types only), from after
   * `after` (a seq; null: from now), in seq order: the same events as
   * GET /api/v1/events/stream. Resolves to a function that ends it;
   * `onOpen` hears the position the subscription starts from first (where
   * to resume when it ends before any event).
   */
  subscribe(types: readonly string[], after: number | null, listener: (events: unknown[]) => void, onOpen?: (after: number) => void): Promise<() => void>;
  platform: string;
}

declare global {
  interface Window {
    smc?: SmcBridge;
  }
}
