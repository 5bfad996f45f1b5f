import { MlInputError } from '../ml-errors';
import { collapseSpaces, detectSeparator, parseCsvRecords, withoutBom } from './csv-records';

// Reads the CSV files of batch model work (`smc score`, `smc rul`, RUL
// training over the API): named numeric columns as Float64Arrays and named
// text columns (time, asset) as strings. Parsing is csv-parse's (quoted
// fields with separators and line breaks, CRLF, a UTF-8 byte order mark);
// every problem is reported with the column and the 1-based line of the
// file, so an engineer can fix the file.

export interface NumericCsvOptions {
  /** Columns that must hold finite numbers on every row. */
  numeric: readonly string[];
  /** Columns kept as text (time stamps, asset ids); must be present and non-empty. */
  text?: readonly string[];
  /** Field separator; default: detected from the header (`,` `;` tab or space). */
  sep?: string;
  /** What the file is, for messages (`--input`, `csv`). */
  source?: string;
  /** The file has no header row: its columns are named c1..cN and line numbers are the file's own. */
  headerless?: boolean;
}

export interface NumericCsv {
  header: string[];
  rows: number;
  numeric: Record<string, Float64Array>;
  text: Record<string, string[]>;
  /** 1-based file line of data row i. */
  lineOf(i: number): number;
}

/** A field's text for a one-line message: line breaks and tabs written as \n, \r, \t. */
function shown(raw: string): string {
  return raw.slice(0, 40).replace(/[\r\n\t]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t'));
}

/** The file as csv-parse should read it, and its separator. */
function prepare(content: string, sep: string | undefined): { text: string; delimiter: string } {
  const text = withoutBom(content);
  const delimiter = sep ?? detectSeparator(text);
  // Space-separated numeric files (C-MAPSS) pad with runs of spaces.
  return { text: delimiter === ' ' ? collapseSpaces(text) : text, delimiter };
}

/** The header row's names, or c1..cN for a headerless file; for choosing and checking columns. */
export function csvHeader(content: string, sep?: string, opts: { source?: string; headerless?: boolean } = {}): string[] {
  const { text, delimiter } = prepare(content, sep);
  const first = parseCsvRecords(text, { delimiter, source: opts.source ?? 'csv', to: 1, ragged: true }).records[0] ?? [];
  return opts.headerless ? first.map((_, i) => `c${i + 1}`) : first.map((h) => h.trim());
}

export function readNumericCsv(content: string, opts: NumericCsvOptions): NumericCsv {
  const source = opts.source ?? 'csv';
  const { text, delimiter } = prepare(content, opts.sep);
  if (text.trim() === '') throw new MlInputError(`${source} is empty`, { path: source });
  const { records, lines } = parseCsvRecords(text, { delimiter, source });
  const first = opts.headerless ? 0 : 1;
  const header = opts.headerless ? (records[0] ?? []).map((_, i) => `c${i + 1}`) : (records[0] ?? []).map((h) => h.trim());
  if (header.length === 0 || header.every((h) => h === '')) throw new MlInputError(`${source} has no header row`, { path: source, line: 1 });
  const seen = new Set<string>();
  for (const h of header) {
    if (seen.has(h)) throw new MlInputError(`${source}: column '${h}' appears twice in the header`, { path: source, field: h, line: 1 });
    seen.add(h);
  }
  const wanted = [...(opts.text ?? []), ...opts.numeric];
  for (const col of wanted) {
    if (!seen.has(col)) {
      const hint = opts.headerless ? ' (a headerless file names its columns c1..cN)' : '';
      throw new MlInputError(`${source} has no column '${col}'${hint} (columns: ${header.join(', ')})`, { path: source, field: col, line: 1 });
    }
  }

  const n = records.length - first;
  const lineOf = (i: number): number => lines[first + i] ?? i + 1 + first;
  const numeric: Record<string, Float64Array> = {};
  const textCols: Record<string, string[]> = {};
  const index = new Map(header.map((h, i) => [h, i]));
  for (const col of opts.numeric) numeric[col] = new Float64Array(n);
  for (const col of opts.text ?? []) textCols[col] = new Array<string>(n);

  for (let r = 0; r < n; r++) {
    const rec = records[first + r]!;
    for (const col of opts.numeric) {
      const raw = rec[index.get(col)!]!.trim();
      const v = raw === '' ? NaN : Number(raw);
      if (!Number.isFinite(v)) {
        const what = raw === '' ? 'is empty' : `is '${shown(raw)}', not a finite number`;
        throw new MlInputError(`${source} line ${lineOf(r)}: column '${col}' ${what}`, { path: source, field: col, line: lineOf(r) });
      }
      numeric[col]![r] = v;
    }
    for (const col of opts.text ?? []) {
      const raw = rec[index.get(col)!]!.trim();
      if (raw === '') throw new MlInputError(`${source} line ${lineOf(r)}: column '${col}' is empty`, { path: source, field: col, line: lineOf(r) });
      textCols[col]![r] = raw;
    }
  }
  return { header, rows: n, numeric, text: textCols, lineOf };
}
