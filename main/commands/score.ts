import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AppError } from '../core/platform/errors';
import { fitAndScore } from '../core/ml/anomaly/fit-and-score';
import { DEFAULT_WINDOW, minTrainRows } from '../core/ml/anomaly/autoencoder-train';
import type { SeriesMatrix } from '../core/ml/anomaly/types';
import { readNumericCsv, type NumericCsv } from '../core/ml/data/numeric-csv';
import { modelLoadingDisabled } from '../core/ml/runtime/backend';
import { quietContext } from '../core/ml/runtime/train-context';
import type { Command, CommandIo } from './command-io';
import { UsageError, csvLines, writeOutputAtomically } from './command-output';

// `smc score`: anomaly scores for every row of a CSV file. The detector is
// fitted on rows taken as normal — the first N rows of the file, or a
// separate file with the same columns — and the output has one row per input
// row, in input order: the time copied from the input, the score (higher is
// more anomalous) and the alarm state. Bad input exits with 2 and a message
// naming the problem; the output appears only complete (temp file + rename).

export const SCORE_USAGE = `usage: smc score --input FILE.csv --time-col C --value-cols A[,B..]
                 (--train-rows N | --train-file F.csv) --out OUT.csv
                 [--sep ';'] [--window W] [--epochs E] [--seed S] [--baseline-rows B]

Scores each row of FILE.csv for anomalies across the given value columns,
with a detector trained on rows taken as normal: the first N rows of the
input (--train-rows) or a separate file with the same columns (--train-file).

  --input FILE        CSV with a header row
  --time-col C        column copied to the output's time column
  --value-cols A,B    numeric columns the detector reads (one or more)
  --train-rows N      train on the input's first N rows
  --train-file F      train on this file instead (same columns)
  --sep S             field separator (default: detected from the header)
  --window W          rows per window (default ${DEFAULT_WINDOW})
  --epochs E          training epochs (default 40)
  --seed S            training seed (default 42); same seed, same scores
  --baseline-rows B   follow slow healthy drift: each sensor's level is
                      measured from an average of its last ~B rows, frozen
                      while the detector is not quiet (default 0: from the
                      training rows' level; wear drifts slowly too)
  --out OUT.csv       written as time,score,anomaly (anomaly is 1 while the
                      alarm is on); replaced only when scoring succeeded

With SMC_DISABLE_MODEL_LOADING=1 a statistical detector is used instead of
the autoencoder (no TF.js). Exit codes: 0 done, 2 bad arguments or input,
1 anything else.`;

interface ScoreArgs {
  input: string;
  timeCol: string;
  valueCols: string[];
  trainRows?: number;
  trainFile?: string;
  sep?: string;
  window: number;
  epochs?: number;
  seed: number;
  baselineRows?: number;
  out: string;
}

function integer(name: string, raw: string | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(v) || v < min || v > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got '${raw}'`);
  }
  return v;
}

function parse(args: string[]): ScoreArgs | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        input: { type: 'string' },
        'time-col': { type: 'string' },
        'value-cols': { type: 'string' },
        'train-rows': { type: 'string' },
        'train-file': { type: 'string' },
        sep: { type: 'string' },
        window: { type: 'string' },
        epochs: { type: 'string' },
        seed: { type: 'string' },
        'baseline-rows': { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
  if (values.help) return 'help';
  for (const name of ['input', 'time-col', 'value-cols', 'out'] as const) {
    if (typeof values[name] !== 'string' || (values[name] as string).trim() === '') throw new UsageError(`--${name} is required`);
  }
  const hasRows = values['train-rows'] !== undefined;
  const hasFile = values['train-file'] !== undefined;
  if (hasRows === hasFile) throw new UsageError(hasRows ? 'give either --train-rows or --train-file, not both' : 'give --train-rows N or --train-file F (the rows taken as normal)');
  const valueCols = (values['value-cols'] as string).split(',').map((c) => c.trim());
  if (valueCols.some((c) => c === '')) throw new UsageError(`--value-cols has an empty column name: '${values['value-cols'] as string}'`);
  if (new Set(valueCols).size !== valueCols.length) throw new UsageError(`--value-cols names a column twice: '${values['value-cols'] as string}'`);
  const sep = values.sep as string | undefined;
  if (sep !== undefined && [...sep].length !== 1) throw new UsageError(`--sep must be one character, got '${sep}'`);
  const trainRows = integer('train-rows', values['train-rows'] as string | undefined, 1);
  const epochs = integer('epochs', values.epochs as string | undefined, 1, 10_000);
  const baselineRows = integer('baseline-rows', values['baseline-rows'] as string | undefined, 0, 100_000_000);
  return {
    input: values.input as string,
    timeCol: (values['time-col'] as string).trim(),
    valueCols,
    ...(trainRows !== undefined ? { trainRows } : {}),
    ...(hasFile ? { trainFile: values['train-file'] as string } : {}),
    ...(sep !== undefined ? { sep } : {}),
    window: integer('window', values.window as string | undefined, 2, 4096) ?? DEFAULT_WINDOW,
    ...(epochs !== undefined ? { epochs } : {}),
    ...(baselineRows !== undefined ? { baselineRows } : {}),
    seed: integer('seed', values.seed as string | undefined, 0, 2 ** 31 - 1) ?? 42,
    out: values.out as string,
  };
}

function readCsvFile(path: string, option: string, a: ScoreArgs): NumericCsv {
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${option} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return readNumericCsv(content, { numeric: a.valueCols, text: [a.timeCol], ...(a.sep !== undefined ? { sep: a.sep } : {}), source: `${option} ${basename(path)}` });
}

function toMatrix(csv: NumericCsv, cols: string[]): SeriesMatrix {
  const s = cols.length;
  const values = new Float32Array(csv.rows * s);
  for (let j = 0; j < s; j++) {
    const col = csv.numeric[cols[j]!]!;
    for (let i = 0; i < csv.rows; i++) {
      const v = Math.fround(col[i]!);
      // A finite double beyond float32's range would become Infinity.
      if (!Number.isFinite(v)) throw new UsageError(`line ${csv.lineOf(i)}: column '${cols[j]}' value ${col[i]} is too large to score`);
      values[i * s + j] = v;
    }
  }
  return { sensors: cols, timestamps: Float64Array.from({ length: csv.rows }, (_, i) => i), values };
}

async function score(a: ScoreArgs, io: CommandIo): Promise<void> {
  const inputPath = resolve(io.cwd, a.input);
  const outPath = resolve(io.cwd, a.out);
  const input = readCsvFile(inputPath, '--input', a);
  const data = toMatrix(input, a.valueCols);
  let train: SeriesMatrix;
  let trainWhat: string;
  if (a.trainFile !== undefined) {
    train = toMatrix(readCsvFile(resolve(io.cwd, a.trainFile), '--train-file', a), a.valueCols);
    trainWhat = `--train-file ${basename(a.trainFile)} has ${train.timestamps.length} rows`;
  } else {
    const n = a.trainRows!;
    if (n > input.rows) throw new UsageError(`--train-rows ${n} is more than the ${input.rows} rows of --input`);
    const s = a.valueCols.length;
    train = { sensors: data.sensors, timestamps: data.timestamps.subarray(0, n), values: data.values.subarray(0, n * s) };
    trainWhat = `--train-rows ${n}`;
  }
  const statistical = modelLoadingDisabled();
  const need = statistical ? a.window + 1 : minTrainRows(a.window);
  if (train.timestamps.length < need) throw new UsageError(`${trainWhat}: too few rows to train with a window of ${a.window}; need at least ${need}`);
  if (input.rows < a.window) throw new UsageError(`--input has ${input.rows} rows, fewer than one window of ${a.window}`);
  if (statistical) io.err('model loading disabled: statistical detector');

  let summary = '';
  await writeOutputAtomically(outPath, `--out ${a.out}`, async (append) => {
    const r = await fitAndScore(train, data, { window: a.window, statistical, ctx: quietContext(a.seed), ...(a.epochs !== undefined ? { epochs: a.epochs } : {}), ...(a.baselineRows !== undefined ? { baselineRows: a.baselineRows } : {}) });
    const times = input.text[a.timeCol]!;
    const chunk: (string | number)[][] = [['time', 'score', 'anomaly']];
    const flush = () => {
      append(csvLines(chunk));
      chunk.length = 0;
    };
    for (let i = 0; i < input.rows; i++) {
      // The score's float32 to 6 digits; the column is the alarm state, whose 0 -> 1 steps are the alarms counted below.
      chunk.push([times[i]!, Number(Math.fround(r.scores.scores[i]!).toPrecision(6)), r.scores.alarm[i]!]);
      if (chunk.length >= 10_000) flush();
    }
    if (chunk.length) flush();
    if (r.seasonal) {
      const p = r.seasonal;
      const named = data.sensors.filter((_, j) => p.offsets[j]).map((id) => `${id} (${Math.round(100 * p.explained[data.sensors.indexOf(id)]!)} % of its variance)`);
      io.err(`${p.bins === 24 ? 'daily' : 'weekly'} profile taken out before scoring: ${named.join(', ')}`);
    }
    summary = `scored ${input.rows} rows with the ${r.method} detector (window ${r.window}, trained on ${train.timestamps.length} rows): threshold ${Number(r.threshold.toPrecision(4))}, ${r.scores.anomalies.length} alarm${r.scores.anomalies.length === 1 ? '' : 's'} -> ${a.out}`;
  });
  io.out(summary);
}

export const runScore: Command = async (args, io) => {
  try {
    const a = parse(args);
    if (a === 'help') {
      io.out(SCORE_USAGE);
      return 0;
    }
    await score(a, io);
    return 0;
  } catch (err) {
    if (err instanceof UsageError || (err instanceof AppError && err.code === 'validation_failed')) {
      io.err(`score: ${err.message}`);
      return 2;
    }
    io.err(`score failed: ${(err as Error).stack ?? String(err)}`);
    return 1;
  }
};
