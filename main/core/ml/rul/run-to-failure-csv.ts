import { parse } from 'csv-parse/sync';
import { readNumericCsv, type NumericCsv, type NumericCsvOptions } from '../data/numeric-csv';
import { MlInputError } from '../ml-errors';

// Run-to-failure histories from a CSV file: one row per asset and time (or
// cycle), an asset id column, a numeric time column and numeric feature
// columns. Headerless files such as NASA's C-MAPSS text files are read with
// `headerless: true`, which names the columns c1..cN (C-MAPSS: c1 = unit,
// c2 = cycle, c3..c5 = settings, c6..c26 = sensors).

export interface RunToFailureData {
  assetCol: string;
  timeCol: string;
  featureCols: string[];
  /** Asset id of each row. */
  assets: string[];
  time: Float64Array;
  /** rows x featureCols.length, row-major. */
  features: Float32Array;
}

export interface RunToFailureCsvOptions {
  assetCol: string;
  timeCol: string;
  /** Default: every other column whose first value is a number (or empty, then refused by line). */
  featureCols?: string[];
  sep?: string;
  /** What the file is, for messages (`--input`). */
  source?: string;
  /** The file has no header row: columns are named c1..cN. */
  headerless?: boolean;
}

const SEPARATORS = [',', ';', '\t', ' '] as const;
/** Spellings of non-finite numbers: such a column is numeric, and its bad value is refused by name. */
const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;
/** Largest float32: a finite double beyond it would become Infinity in the model. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** The first `n` non-empty lines. */
function firstLines(text: string, n: number): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    out.push(line);
    if (out.length === n) break;
  }
  return out;
}

/** Fields of one line (the header or the first data row), split as the CSV reader splits them. */
function splitLine(line: string, delimiter: string, source: string): string[] {
  const clean = delimiter === ' ' ? line.trim().replace(/ +/g, ' ') : line;
  try {
    const rows = parse(clean, { delimiter, relax_quotes: true, trim: true }) as string[][];
    return rows[0] ?? [];
  } catch (err) {
    throw new MlInputError(`${source} is not valid CSV: ${(err as Error).message}`, { path: source });
  }
}

/**
 * Default feature columns: the remaining columns whose first data value reads
 * as a number. An empty or non-finite first value counts as numeric, so a
 * sensor with a gap is refused by line rather than silently left out.
 */
function defaultFeatureCols(header: string[], firstRow: string[], exclude: Set<string>): string[] {
  return header.filter((h, i) => {
    if (exclude.has(h) || h === '') return false;
    const raw = (firstRow[i] ?? '').trim();
    return raw === '' || Number.isFinite(Number(raw)) || NON_FINITE.test(raw);
  });
}

/** readNumericCsv, with line numbers of a headerless file counted without the header it was given. */
function readCsv(text: string, opts: NumericCsvOptions, headerless: boolean): NumericCsv {
  if (!headerless) return readNumericCsv(text, opts);
  try {
    const csv = readNumericCsv(text, opts);
    return { ...csv, lineOf: (i) => csv.lineOf(i) - 1 };
  } catch (err) {
    if (!(err instanceof MlInputError)) throw err;
    const issue = (Array.isArray(err.details) ? err.details[0] : undefined) as { path?: string; field?: string; line?: number } | undefined;
    if (issue?.line === undefined) throw err;
    const line = issue.line - 1;
    const message = err.message.replace(/\bline (\d+)/g, (_, n: string) => `line ${Number(n) - 1}`);
    throw new MlInputError(message, { ...(issue.path !== undefined ? { path: issue.path } : {}), ...(issue.field !== undefined ? { field: issue.field } : {}), line });
  }
}

/** The column names of a file as `readRunToFailureCsv` sees them (c1..cN when headerless). */
export function runToFailureColumns(content: string, opts: { sep?: string; headerless?: boolean; source?: string }): string[] {
  const source = opts.source ?? 'csv';
  const text = content.replace(/^\uFEFF/, '');
  const [first = ''] = firstLines(text, 1);
  const sep = opts.sep ?? SEPARATORS.find((s) => first.includes(s)) ?? ',';
  const fields = splitLine(first, sep, source);
  return opts.headerless ? fields.map((_, i) => `c${i + 1}`) : fields.map((h) => h.trim());
}

export function readRunToFailureCsv(content: string, opts: RunToFailureCsvOptions): RunToFailureData {
  const source = opts.source ?? 'csv';
  let text = content.replace(/^\uFEFF/, '');
  if (text.trim() === '') throw new MlInputError(`${source} is empty`, { path: source });
  const [first = '', second] = firstLines(text, 2);
  const sep = opts.sep ?? SEPARATORS.find((s) => first.includes(s)) ?? ',';
  // Space-separated files pad lines with blanks (C-MAPSS ends every line with two); a blank
  // at the very end of the file would otherwise read as one more, empty field.
  if (sep === ' ') text = text.replace(/^ +| +(?=\r?\n|$)/gm, '');
  let header: string[];
  if (opts.headerless) {
    header = splitLine(first, sep, source).map((_, i) => `c${i + 1}`);
    text = `${header.join(sep)}\n${text}`;
  } else {
    header = splitLine(first, sep, source).map((h) => h.trim());
  }
  const { assetCol, timeCol } = opts;
  if (assetCol === timeCol) throw new MlInputError(`${source}: the asset column and the time column are both '${assetCol}'`, { path: source, field: assetCol });
  const exclude = new Set([assetCol, timeCol]);
  for (const col of [assetCol, timeCol]) {
    if (!header.includes(col)) {
      const hint = opts.headerless ? ' (a headerless file names its columns c1..cN)' : '';
      throw new MlInputError(`${source} has no column '${col}'${hint} (columns: ${header.join(', ')})`, { path: source, field: col, line: 1 });
    }
  }
  let featureCols: string[];
  if (opts.featureCols) {
    featureCols = opts.featureCols;
    const seen = new Set<string>();
    for (const c of featureCols) {
      if (exclude.has(c)) throw new MlInputError(`${source}: '${c}' is the ${c === assetCol ? 'asset' : 'time'} column and cannot also be a feature column`, { path: source, field: c });
      if (seen.has(c)) throw new MlInputError(`${source}: feature column '${c}' is listed twice`, { path: source, field: c });
      seen.add(c);
    }
  } else {
    const firstRow = opts.headerless ? splitLine(first, sep, source) : second === undefined ? [] : splitLine(second, sep, source);
    featureCols = defaultFeatureCols(header, firstRow, exclude);
  }
  if (featureCols.length === 0) {
    throw new MlInputError(`${source} has no numeric feature columns besides '${assetCol}' and '${timeCol}' (columns: ${header.join(', ')})`, { path: source });
  }
  const csv = readCsv(text, { numeric: [timeCol, ...featureCols], text: [assetCol], sep, source }, opts.headerless === true);
  const n = csv.rows;
  if (n === 0) throw new MlInputError(`${source} has a header but no data rows`, { path: source });
  const f = featureCols.length;
  const features = new Float32Array(n * f);
  for (let j = 0; j < f; j++) {
    const col = csv.numeric[featureCols[j]!]!;
    for (let r = 0; r < n; r++) {
      const v = col[r]!;
      if (Math.abs(v) > FLOAT32_MAX) {
        const line = csv.lineOf(r);
        throw new MlInputError(`${source} line ${line}: column '${featureCols[j]}' is ${v}, too large for a model input`, { path: source, field: featureCols[j]!, line });
      }
      features[r * f + j] = v;
    }
  }
  return { assetCol, timeCol, featureCols: [...featureCols], assets: csv.text[assetCol]!, time: csv.numeric[timeCol]!, features };
}
