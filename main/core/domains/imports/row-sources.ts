import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { parse } from 'csv-parse';
import { AppError } from '../../platform/errors';

/** One source row: its 1-based line in the file and either an object or why it cannot be read. */
export type SourceRow = { line: number; value: Record<string, unknown> } | { line: number; error: string; field?: string };

export const MAX_LINE_BYTES = 64 * 1024;

export const CSV_COLUMNS = ['sensor_id', 'timestamp', 'value', 'sensor_type', 'unit', 'quality', 'asset_id'] as const;
const NUMERIC = new Set(['value', 'quality']);
const NUMBER_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * CSV rows as reading-shaped objects. The header names the columns (any
 * order, case-insensitive); numeric cells become numbers only when they are
 * plainly numeric, so "1,5" or "NaN" reach the validator as text and are
 * reported, not misread.
 */
export async function* csvRows(body: Readable, delimiter: string, required: readonly string[]): AsyncGenerator<SourceRow> {
  const parser = body.pipe(
    parse({ delimiter, bom: true, trim: true, skip_empty_lines: true, relax_column_count: true, max_record_size: MAX_LINE_BYTES, info: true }),
  );
  // A failing source stream must end the parse too, not leave it waiting.
  body.once('error', (err) => parser.destroy(err));
  let header: string[] | undefined;
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    if (!header) {
      header = record.map((h) => h.trim().toLowerCase());
      const unknown = header.filter((h) => !(CSV_COLUMNS as readonly string[]).includes(h));
      if (unknown.length > 0) {
        throw new AppError('validation_failed', `unknown column '${unknown[0]}' in the CSV header (known: ${CSV_COLUMNS.join(', ')})`, [
          { path: 'header', line: info.lines, message: `unknown column '${unknown[0]}'` },
        ]);
      }
      const dup = header.find((h, i) => header!.indexOf(h) !== i);
      if (dup) throw new AppError('validation_failed', `column '${dup}' appears twice in the CSV header`, [{ path: 'header', line: info.lines, message: `duplicate column '${dup}'` }]);
      const missing = required.filter((c) => !header!.includes(c));
      if (missing.length > 0) {
        throw new AppError('validation_failed', `missing column '${missing[0]}' in the CSV header (need ${required.join(', ')})`, [
          { path: 'header', line: info.lines, message: `missing column '${missing[0]}'` },
        ]);
      }
      continue;
    }
    if (record.length !== header.length) {
      yield { line: info.lines, error: `row has ${record.length} cells, the header has ${header.length}`, field: 'row' };
      continue;
    }
    const value: Record<string, unknown> = {};
    header.forEach((name, i) => {
      const cell = record[i]!;
      if (cell === '') return;
      value[name] = NUMERIC.has(name) && NUMBER_RE.test(cell) ? Number(cell) : cell;
    });
    yield { line: info.lines, value };
  }
  if (!header) throw new AppError('validation_failed', 'the CSV is empty: expected a header row', [{ path: 'header', line: 1, message: 'no header row' }]);
}

/** NDJSON rows; a line that is not a JSON object is reported on its own, the rest go on. */
export async function* ndjsonRows(body: Readable): AsyncGenerator<SourceRow> {
  const decoder = new StringDecoder('utf8');
  let buffered = '';
  let line = 0;
  const emit = (text: string): SourceRow | undefined => {
    line += 1;
    const trimmed = text.replace(/\r$/, '').trim();
    if (trimmed === '') return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (err) {
      return { line, error: `not valid JSON: ${(err as Error).message}`, field: 'line' };
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      return { line, error: 'each line must be one JSON object', field: 'line' };
    }
    return { line, value: parsed as Record<string, unknown> };
  };
  for await (const chunk of body) {
    buffered += typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer);
    let start = 0;
    let nl: number;
    while ((nl = buffered.indexOf('\n', start)) >= 0) {
      const row = emit(buffered.slice(start, nl));
      start = nl + 1;
      if (row) yield row;
    }
    buffered = buffered.slice(start);
    if (buffered.length > MAX_LINE_BYTES) {
      throw new AppError('validation_failed', `line ${line + 1} is longer than ${MAX_LINE_BYTES} bytes`, [{ path: 'line', line: line + 1, message: 'line too long' }]);
    }
  }
  buffered += decoder.end();
  const last = emit(buffered);
  if (last) yield last;
}
