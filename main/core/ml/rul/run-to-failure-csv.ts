import { collapseSpaces, detectSeparator, parseCsvRecords, withoutBom } from '../data/csv-records';
import { csvHeader, readNumericCsv } from '../data/numeric-csv';
import { MlInputError } from '../ml-errors';

// Run-to-failure histories from a CSV file: one row per asset and time (or
// cycle), an asset id column, a numeric time column and numeric feature
// columns. Headerless files such as NASA's C-MAPSS text files are read with
// `headerless: true`, which names the columns c1..cN (C-MAPSS: c1 = unit,
// c2 = cycle, c3..c5 = settings, c6..c26 = sensors). Parsing, quoting and
// line numbers are those of data/numeric-csv.ts.

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

/** Spellings of non-finite numbers: such a column is numeric, and its bad value is refused by name. */
const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;
/** Largest float32: a finite double beyond it would become Infinity in the model. */
const FLOAT32_MAX = 3.4028234663852886e38;

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

/** The column names of a file as `readRunToFailureCsv` sees them (c1..cN when headerless). */
export function runToFailureColumns(content: string, opts: { sep?: string; headerless?: boolean; source?: string }): string[] {
  return csvHeader(content, opts.sep, { source: opts.source ?? 'csv', ...(opts.headerless ? { headerless: true } : {}) });
}

export function readRunToFailureCsv(content: string, opts: RunToFailureCsvOptions): RunToFailureData {
  const source = opts.source ?? 'csv';
  const text = withoutBom(content);
  if (text.trim() === '') throw new MlInputError(`${source} is empty`, { path: source });
  const sep = opts.sep ?? detectSeparator(text);
  // The header and the first data row, read as the whole file will be (quotes, CRLF).
  const head = parseCsvRecords(sep === ' ' ? collapseSpaces(text) : text, { delimiter: sep, source, to: 2, ragged: true }).records;
  const header = opts.headerless ? (head[0] ?? []).map((_, i) => `c${i + 1}`) : (head[0] ?? []).map((h) => h.trim());
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
    featureCols = defaultFeatureCols(header, (opts.headerless ? head[0] : head[1]) ?? [], exclude);
  }
  if (featureCols.length === 0) {
    throw new MlInputError(`${source} has no numeric feature columns besides '${assetCol}' and '${timeCol}' (columns: ${header.join(', ')})`, { path: source });
  }
  const csv = readNumericCsv(text, { numeric: [timeCol, ...featureCols], text: [assetCol], sep, source, ...(opts.headerless ? { headerless: true } : {}) });
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
