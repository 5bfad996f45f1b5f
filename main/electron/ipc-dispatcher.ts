import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { getOperation, isOperationName, type Operation, type OperationName, type StreamResult } from '../../contract';
import type { Station } from '../core/app';
import { AppError, inputError, isAppError } from '../core/platform/errors';
import { DESKTOP_PRINCIPAL, type HandlerContext, type Principal } from '../core/platform/operations';
import type { Logger } from '../core/platform/log';
import type { IpcError, IpcResult } from './ipc-channels';
import { isTrustedSender } from './security-policy';

// What the IPC handlers do, without Electron: check who is asking and for
// what, run the operation through the station (same access rules and
// validation as HTTP), and turn every outcome into a cloneable envelope.
// ipc.ts supplies the sender's frame and the file dialogs.

export type StationLike = Pick<Station, 'invoke'>;

/** The frame a message came from, as ipc.ts reads it off the event. */
export interface Sender {
  url: string | null | undefined;
  isMainFrame: boolean;
}

export interface DispatcherOptions {
  appEntryUrl: string;
  log: Logger;
  principal?: Principal;
}

/** Asks the user where to save; resolves to a path or null (cancelled). */
export type ChooseSavePath = (suggestedName: string) => Promise<string | null>;
/** Asks the user which file to open; resolves to a path or null (cancelled). */
export type ChooseOpenPath = () => Promise<string | null>;

export interface IpcDispatcher {
  invoke(sender: Sender, name: unknown, input: unknown): Promise<IpcResult>;
  saveExport(sender: Sender, name: unknown, input: unknown, choose: ChooseSavePath): Promise<IpcResult<string | null>>;
  importFile(sender: Sender, name: unknown, input: unknown, choose: ChooseOpenPath): Promise<IpcResult>;
}

const IMPORT_FORMATS: Record<string, 'csv' | 'ndjson'> = { '.csv': 'csv', '.txt': 'csv', '.tsv': 'csv', '.ndjson': 'ndjson', '.jsonl': 'ndjson' };

export function createIpcDispatcher(station: StationLike, opts: DispatcherOptions): IpcDispatcher {
  const principal = opts.principal ?? DESKTOP_PRINCIPAL;
  const log = opts.log.child({ sub: 'ipc' });

  /** Runs `body` with a fresh correlation id and folds any failure into the envelope. */
  async function guarded<T>(sender: Sender, name: unknown, body: (op: Operation, opName: OperationName, correlationId: string) => Promise<T>): Promise<IpcResult<T>> {
    const correlationId = randomUUID();
    try {
      if (!sender.isMainFrame || !isTrustedSender(sender.url, opts.appEntryUrl)) {
        log.warn({ senderUrl: sender.url, isMainFrame: sender.isMainFrame, correlationId }, 'IPC from an untrusted frame refused');
        throw new AppError('forbidden', 'IPC is only accepted from the console window');
      }
      if (!isOperationName(name)) throw new AppError('not_found', `unknown operation '${String(name)}'`, { operation: String(name) });
      return { ok: true, value: await body(getOperation(name), name, correlationId) };
    } catch (err) {
      return { ok: false, error: toIpcError(err, correlationId, typeof name === 'string' ? name : undefined) };
    }
  }

  function toIpcError(err: unknown, correlationId: string, op: string | undefined): IpcError {
    if (isAppError(err)) {
      const e: IpcError = { code: err.code, message: err.message, status: err.status, correlationId };
      if (err.details !== undefined) e.details = err.details;
      // What HTTP says in the Retry-After header, the window reads here.
      const wait = Number(err.headers['retry-after']);
      if (Number.isSafeInteger(wait) && wait >= 0) e.retryAfterS = wait;
      return e;
    }
    // Unexpected failures are logged in full here and reach the window as a
    // bare code: stack traces and SQL stay in the main process.
    log.error({ err, op, correlationId }, 'IPC operation failed');
    return { code: 'internal', message: `internal error (correlation id ${correlationId})`, status: 500, correlationId };
  }

  const call = (opName: OperationName, input: unknown, correlationId: string, extra: Partial<HandlerContext> = {}) =>
    station.invoke(opName, input, principal, { correlationId, log: log.child({ correlationId }), ...extra });

  return {
    invoke: (sender, name, input) =>
      guarded(sender, name, (op, opName, correlationId) => {
        // Streams cannot be structured-cloned; these two have their own channels.
        if (op.http?.produces) throw new AppError('bad_request', `${opName} streams a file: call saveExport`);
        if (op.http?.streamBody) throw new AppError('bad_request', `${opName} reads a file: call importFile`);
        return call(opName, input, correlationId);
      }),

    saveExport: (sender, name, input, choose) =>
      guarded(sender, name, async (op, opName, correlationId) => {
        if (!op.http?.produces || op.http.produces === 'text/event-stream') throw new AppError('bad_request', `${opName} does not produce a file`, { operation: opName });
        // Run (and so validate) first: a bad filter fails before any dialog opens.
        const result = (await call(opName, input, correlationId)) as StreamResult;
        const path = await choose(result.filename ?? 'export.csv');
        if (path === null) return null;
        await writeAtomically(path, result.body);
        log.info({ op: opName, path, correlationId }, 'export saved');
        return path;
      }),

    importFile: (sender, name, input, choose) =>
      guarded(sender, name, async (op, opName, correlationId) => {
        if (!op.http?.streamBody) throw new AppError('bad_request', `${opName} does not read a file`);
        const parsed = op.input.safeParse(input ?? {});
        if (!parsed.success) throw inputError(parsed.error);
        const path = await choose();
        if (path === null) return null;
        const bodyFormat = IMPORT_FORMATS[extname(path).toLowerCase()];
        if (!bodyFormat) {
          throw new AppError('unsupported_media_type', `cannot import ${basename(path)}: choose a .csv, .tsv, .txt, .ndjson or .jsonl file`, { path: 'file' });
        }
        let handle;
        try {
          handle = await open(path, 'r');
        } catch (err) {
          throw new AppError('bad_request', `cannot read ${basename(path)}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, { path: 'file' });
        }
        const body = handle.createReadStream();
        try {
          const output = await call(opName, input, correlationId, { body, bodyFormat });
          log.info({ op: opName, path, correlationId }, 'file imported');
          return output;
        } finally {
          // Also closes the file when the operation refused the input unread.
          body.destroy();
        }
      }),
  };
}

/**
 * Writes the stream next to its destination and renames it into place, so a
 * failed or interrupted export never leaves a truncated CSV that looks whole.
 */
async function writeAtomically(path: string, body: AsyncIterable<string | Uint8Array>): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomUUID().slice(0, 8)}.part`);
  try {
    await pipeline(Readable.from(body), createWriteStream(temp, { flags: 'wx' }));
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    const code = (err as NodeJS.ErrnoException).code;
    if (code && /^E[A-Z]+$/.test(code)) throw new AppError('bad_request', `cannot write ${basename(path)}: ${code}`, { path: 'file' });
    throw err;
  }
}
