import { parse } from 'csv-parse/sync';
import { MlInputError } from '../ml-errors';

// Reads the CSV files of batch model work (`smc score`, `smc rul`, RUL
// training over the API): named numeric columns as Float64Arrays and named
// text columns (time, asset) as strings. Every problem is reported with the
// column and the 1-based line of the file, so an engineer can fix the file.

export interface NumericCsvOptions {
  /** Columns that must hold finite numbers on every row. */
  numeric: readonly string[];
  /** Columns kept as text (time stamps, asset ids); must be present and non-empty. */
  text?: readonly string[];
  /** Field separator; default: detected from the header (`,` `;` tab or space). */
  sep?: string;
  /** What the file is, for messages (`--input`, `csv`). */
  source?: string;
}

export interface NumericCsv {
  header: string[];
  rows: number;
  numeric: Record<string, Float64Array>;
  text: Record<string, string[]>;
  /** 1-based file line of data row i (the header is line 1). */
  lineOf(i: number): number;
}

/** Separators tried when none is given, in this order. */
const SEPARATORS = [',', ';', '\t', ' '] as const;

function detectSeparator(firstLine: string): string {
  for (const s of SEPARATORS) if (firstLine.includes(s)) return s;
  return ',';
}

/** The header only; for choosing default feature columns. */
export function csvHeader(content: string, sep?: string): string[] {
  const text = content.replace(/^\uFEFF/, '');
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const delimiter = sep ?? detectSeparator(firstLine);
  const rows = parseRecords(firstLine, delimiter, 'csv');
  return (rows[0] ?? []).map((h) => h.trim());
}

function parseRecords(text: string, delimiter: string, source: string): string[][] {
  try {
    return parse(text, {
      delimiter,
      relax_column_count: false,
      skip_empty_lines: true,
      trim: delimiter !== ' ',
      // Space-separated files (C-MAPSS) pad lines with trailing blanks.
      ...(delimiter === ' ' ? { ltrim: true, rtrim: true } : {}),
    }) as string[][];
  } catch (err) {
    const e = err as { message?: string; lines?: number };
    const where = e.lines !== undefined ? ` (line ${e.lines})` : '';
    throw new MlInputError(`${source} is not valid CSV${where}: ${e.message ?? String(err)}`, { path: source, ...(e.lines !== undefined ? { line: e.lines } : {}) });
  }
}

export function readNumericCsv(content: string, opts: NumericCsvOptions): NumericCsv {
  const source = opts.source ?? 'csv';
  const text = content.replace(/^\uFEFF/, '');
  if (text.trim() === '') throw new MlInputError(`${source} is empty`, { path: source });
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const delimiter = opts.sep ?? detectSeparator(firstLine);
  // Space-separated numeric files may use runs of spaces: collapse them.
  const body = delimiter === ' ' ? text.replace(/[ ]+/g, ' ').replace(/ ?(\r?\n)/g, '$1').replace(/ $/, '') : text;
  const records = parseRecords(body, delimiter, source);
  const header = (records[0] ?? []).map((h) => h.trim());
  if (header.length === 0 || header.every((h) => h === '')) throw new MlInputError(`${source} has no header row`, { path: source, line: 1 });
  const seen = new Set<string>();
  for (const h of header) {
    if (seen.has(h)) throw new MlInputError(`${source}: column '${h}' appears twice in the header`, { path: source, field: h, line: 1 });
    seen.add(h);
  }
  const wanted = [...(opts.text ?? []), ...opts.numeric];
  for (const col of wanted) {
    if (!seen.has(col)) {
      throw new MlInputError(`${source} has no column '${col}' (columns: ${header.join(', ')})`, { path: source, field: col, line: 1 });
    }
  }

  // csv-parse skips empty lines, so map record index → file line via `info`-free counting.
  const dataLines = lineNumbers(body, records.length - 1);
  const n = records.length - 1;
  const numeric: Record<string, Float64Array> = {};
  const textCols: Record<string, string[]> = {};
  const index = new Map(header.map((h, i) => [h, i]));
  for (const col of opts.numeric) numeric[col] = new Float64Array(n);
  for (const col of opts.text ?? []) textCols[col] = new Array<string>(n);

  for (let r = 0; r < n; r++) {
    const rec = records[r + 1]!;
    for (const col of opts.numeric) {
      const raw = rec[index.get(col)!]!.trim();
      const v = raw === '' ? NaN : Number(raw);
      if (!Number.isFinite(v)) {
        const what = raw === '' ? 'is empty' : `is '${raw.slice(0, 40)}', not a finite number`;
        throw new MlInputError(`${source} line ${dataLines[r]}: column '${col}' ${what}`, { path: source, field: col, line: dataLines[r]! });
      }
      numeric[col]![r] = v;
    }
    for (const col of opts.text ?? []) {
      const raw = rec[index.get(col)!]!.trim();
      if (raw === '') throw new MlInputError(`${source} line ${dataLines[r]}: column '${col}' is empty`, { path: source, field: col, line: dataLines[r]! });
      textCols[col]![r] = raw;
    }
  }
  return { header, rows: n, numeric, text: textCols, lineOf: (i) => dataLines[i] ?? i + 2 };
}

/** 1-based line numbers of the first `count` non-empty lines after the header. */
function lineNumbers(text: string, count: number): number[] {
  const out: number[] = [];
  let line = 1;
  let start = 0;
  let headerSeen = false;
  while (start <= text.length && out.length < count) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const nonEmpty = text.slice(start, end).trim() !== '';
    if (nonEmpty) {
      if (headerSeen) out.push(line);
      else headerSeen = true;
    }
    line++;
    start = end + 1;
  }
  return out;
}
