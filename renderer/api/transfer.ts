// The two streamed operations: CSV export (a download) and bulk import (an
// upload with progress). Over IPC the desktop shell opens its own file
// dialogs; in a browser the file goes through fetch / XMLHttpRequest, with
// the session cookie and (for the upload, a change) the CSRF token.
import type { InputOf, OutputOf } from '../../contract';
import { ABORTED, ApiError, errorFromBody, errorFromBridge, NETWORK_ERROR, parseRetryAfter } from './api-error';
import { fetchOrThrow, raise } from './client';
import { buildHttpRequest, contentTypeOf } from './http-mapping';
import { csrfHeaders } from './session-token';

export type ExportInput = InputOf<'readings.export'>;
export type ImportInput = InputOf<'data.import'>;
export type ImportOutput = OutputOf<'data.import'>;

/** Downloads the filtered readings as CSV; resolves to the file name, or null if the user cancelled. */
export async function exportCsv(input: ExportInput): Promise<string | null> {
  if (window.smc) {
    try {
      return await window.smc.saveExport('readings.export', input);
    } catch (err) {
      throw errorFromBridge(err);
    }
  }
  const spec = buildHttpRequest('readings.export', input);
  const res = await fetchOrThrow(spec.url, { method: spec.method, credentials: 'same-origin', headers: { Accept: 'text/csv', ...csrfHeaders(spec.method) } });
  if (!res.ok) {
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    throw raise(errorFromBody(res.status, body, text.slice(0, 200), parseRetryAfter(res.headers.get('retry-after'))));
  }
  const blob = await res.blob();
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'readings.csv';
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoking at once can cancel the download in some browsers; give it time.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return name;
}

export interface UploadHandle {
  done: Promise<ImportOutput>;
  abort(): void;
}

/**
 * Uploads `file` to data.import. XMLHttpRequest rather than fetch: it reports
 * upload progress, and browsers only stream fetch request bodies over HTTP/2.
 */
export function uploadImport(file: File, input: ImportInput, onProgress: (sentBytes: number) => void): UploadHandle {
  const spec = buildHttpRequest('data.import', input);
  const xhr = new XMLHttpRequest();
  const done = new Promise<ImportOutput>((resolve, reject) => {
    xhr.open(spec.method, spec.url);
    // Same-origin XHR sends the session cookie by itself; the token must be added.
    for (const [k, v] of Object.entries(csrfHeaders(spec.method))) xhr.setRequestHeader(k, v);
    xhr.setRequestHeader('Content-Type', contentTypeOf(file));
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onerror = () => reject(new ApiError(0, NETWORK_ERROR, 'the upload could not reach the station'));
    xhr.onabort = () => reject(new ApiError(0, ABORTED, 'the upload was cancelled'));
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as ImportOutput);
      else reject(raise(errorFromBody(xhr.status, body, xhr.responseText.slice(0, 200), parseRetryAfter(xhr.getResponseHeader('retry-after')))));
    };
    xhr.send(file);
  });
  return { done, abort: () => xhr.abort() };
}

/** Desktop: the shell asks for the file and streams it; null when the user cancels. */
export async function importViaBridge(input: ImportInput): Promise<ImportOutput | null> {
  try {
    return (await window.smc!.importFile('data.import', input)) as ImportOutput | null;
  } catch (err) {
    throw errorFromBridge(err);
  }
}
