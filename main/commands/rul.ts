import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AppError } from '../core/platform/errors';
import { modelLoadingDisabled } from '../core/ml/runtime/backend';
import type { TrainContext } from '../core/ml/runtime/train-context';
import {
  AVERAGED_ESTIMATES,
  loadRulPredictor,
  readRulModelFile,
  readRunToFailureCsv,
  RUL_DEFAULTS,
  runToFailureColumns,
  trainRulModel,
  writeRulModelFile,
  type RunToFailureData,
} from '../core/ml/rul';
import type { Command, CommandIo } from './command-io';
import { UsageError, csvLines, writeOutputAtomically } from './command-output';

// `smc rul train` fits a remaining-useful-life model on run-to-failure
// histories and writes it as one JSON file; `smc rul predict` reads such a
// file and estimates, for every asset of a CSV file, the RUL after its latest
// row with an interval. Bad input exits with 2 and a message naming the
// problem; no output file appears unless the command succeeded.

export const RUL_USAGE = `usage: smc rul train   --input F.csv --asset-col U --time-col T --model-out MODEL.json
                       [--feature-cols a,b..] [--cap 125] [--window W] [--epochs E]
                       [--folds K] [--level 0.9] [--seed S] [--sep ' '] [--headerless]
       smc rul predict --model MODEL.json --input F.csv --out OUT.csv
                       [--asset-col U] [--time-col T] [--sep ' '] [--headerless]

Remaining useful life (RUL) from run-to-failure histories: one row per asset
and time (or cycle), with numeric feature columns. In training, each asset is
taken to fail at its last row, so the RUL of a row is the asset's last time
minus the row's time (clipped at --cap when given: 125 is usual for C-MAPSS,
whose early cycles show no wear).

train
  --input F.csv         run-to-failure histories (at least 2 assets)
  --asset-col U         asset id column
  --time-col T          numeric time or cycle column
  --feature-cols a,b    numeric columns the model reads (default: every other
                        column whose first value is a number). Columns that
                        are constant, or nearly uncorrelated with RUL (|r| <
                        0.05), on the training assets are dropped and listed.
  --cap N               clip RUL targets at N (default: no cap)
  --window W            rows per window (default ${RUL_DEFAULTS.window})
  --epochs E            at most E epochs per network (default ${RUL_DEFAULTS.epochs}; each stops
                        earlier when its inner validation assets stop improving)
  --folds K             cross-validation folds, and networks in the model
                        (default ${RUL_DEFAULTS.folds})
  --level L             interval coverage (default ${RUL_DEFAULTS.level})
  --seed S              seed of the folds and training (default 42);
                        same seed and data, same model
  --model-out M         the model file (JSON), replaced only on success
  Validation is by whole assets: they are dealt into K folds, and the network
  of each fold is fitted on the other folds (15% of those pick its epoch), then
  estimates the fold's assets, cut at random points before failure as a test
  set is: with --cap C, true RUL uniform over 0.056C-1.16C and at least 0.25C
  rows kept (C-MAPSS FD001 with cap 125: 7-145 cycles, 31 rows); without a
  cap, true RUL up to half the median life and at least W rows kept.
  The figures printed at the end (RMSE, NASA score, interval coverage) are
  those held-out estimates, averaged as predict averages them (below),
  against the true, uncapped RUL; the interval is calibrated on held-out
  estimates too. The model is the K networks averaged.

predict
  --model M             a model file written by smc rul train
  --input F.csv         histories of the assets to estimate (the model's
                        feature columns must be present)
  --asset-col, --time-col   default: the names used in training
  --out OUT.csv         asset,rul,lower,upper: one row per asset, in order of
                        first appearance, from its latest rows: the mean of
                        the estimates of the windows ending at its last
                        ${AVERAGED_ESTIMATES} rows (1 for a model saved before averaging),
                        each less the rows since; a window short of rows is
                        padded by repeating the asset's first row, as in
                        training. lower..upper is the calibrated interval
                        (the model's --level). rul
                        is within [0, cap] (at the cap: "at least cap"); upper
                        may exceed the cap: it bounds the true RUL.

files
  --sep S               field separator (default: detected from the header row)
  --headerless          the file has no header row: columns are named c1..cN.
                        For NASA C-MAPSS text files: --headerless --asset-col c1
                        --time-col c2

RUL needs a trained model: with SMC_DISABLE_MODEL_LOADING=1 both commands
refuse (there is no meaningful statistical stand-in). Exit codes: 0 done,
2 bad arguments or input, 1 anything else.`;

const DISABLED = 'model loading is disabled (SMC_DISABLE_MODEL_LOADING=1): RUL needs a trained model';

type Values = Record<string, string | boolean | undefined>;

const FILE_OPTIONS = { sep: { type: 'string' }, headerless: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;
const TRAIN_OPTIONS = {
  ...FILE_OPTIONS,
  input: { type: 'string' },
  'asset-col': { type: 'string' },
  'time-col': { type: 'string' },
  'feature-cols': { type: 'string' },
  cap: { type: 'string' },
  window: { type: 'string' },
  epochs: { type: 'string' },
  folds: { type: 'string' },
  level: { type: 'string' },
  seed: { type: 'string' },
  'model-out': { type: 'string' },
} as const;
const PREDICT_OPTIONS = {
  ...FILE_OPTIONS,
  model: { type: 'string' },
  input: { type: 'string' },
  'asset-col': { type: 'string' },
  'time-col': { type: 'string' },
  out: { type: 'string' },
} as const;

function parse(args: string[], options: typeof TRAIN_OPTIONS | typeof PREDICT_OPTIONS): Values {
  try {
    return parseArgs({ args, strict: true, allowPositionals: false, options }).values as Values;
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
}

function required(values: Values, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v.trim() === '') throw new UsageError(`--${name} is required`);
  return v.trim();
}

function integer(values: Values, name: string, min: number, max: number): number | undefined {
  const raw = values[name] as string | undefined;
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || v < min || v > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got '${raw}'`);
  return v;
}

function number(values: Values, name: string, ok: (v: number) => boolean, what: string): number | undefined {
  const raw = values[name] as string | undefined;
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || !ok(v)) throw new UsageError(`--${name} must be ${what}, got '${raw}'`);
  return v;
}

function separator(values: Values): string | undefined {
  const sep = values.sep as string | undefined;
  if (sep !== undefined && [...sep].length !== 1) throw new UsageError(`--sep must be one character, got '${sep}'`);
  return sep;
}

function readText(path: string, option: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${option} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

const round = (v: number, digits = 2): number => Number(v.toFixed(digits));

async function train(values: Values, io: CommandIo): Promise<void> {
  const input = required(values, 'input');
  const assetCol = required(values, 'asset-col');
  const timeCol = required(values, 'time-col');
  const modelOut = required(values, 'model-out');
  const sep = separator(values);
  let featureCols: string[] | undefined;
  if (values['feature-cols'] !== undefined) {
    featureCols = (values['feature-cols'] as string).split(',').map((c) => c.trim());
    if (featureCols.some((c) => c === '')) throw new UsageError(`--feature-cols has an empty column name: '${values['feature-cols'] as string}'`);
  }
  const cap = number(values, 'cap', (v) => v > 0, 'a positive number');
  const window = integer(values, 'window', 1, 512);
  const epochs = integer(values, 'epochs', 1, 500);
  const folds = integer(values, 'folds', 2, 20);
  const level = number(values, 'level', (v) => v > 0 && v < 1, 'between 0 and 1 (e.g. 0.9)');
  const seed = integer(values, 'seed', 0, 2 ** 31 - 1) ?? 42;
  if (modelLoadingDisabled()) throw new UsageError(DISABLED);

  const outPath = resolve(io.cwd, modelOut);
  // Found out before minutes of training, not after.
  if (!existsSync(dirname(outPath))) throw new UsageError(`cannot write --model-out ${modelOut}: directory ${dirname(outPath)} does not exist`);
  const data = readRunToFailureCsv(readText(resolve(io.cwd, input), '--input'), {
    assetCol,
    timeCol,
    ...(featureCols ? { featureCols } : {}),
    ...(sep !== undefined ? { sep } : {}),
    ...(values.headerless ? { headerless: true } : {}),
    source: `--input ${basename(input)}`,
  });
  const started = performance.now();
  const ctx: TrainContext = {
    seed,
    progress: (p) => {
      if (p.epoch !== undefined && p.message !== undefined && (p.epoch % 10 === 0 || p.epoch === 1)) io.out(`  ${p.message}`);
    },
    isCancelled: () => false,
  };
  const model = await trainRulModel(data, { ...(cap !== undefined ? { cap } : {}), ...(window !== undefined ? { window } : {}), ...(epochs !== undefined ? { epochs } : {}), ...(folds !== undefined ? { folds } : {}), ...(level !== undefined ? { level } : {}) }, ctx);
  const seconds = (performance.now() - started) / 1000;
  try {
    writeRulModelFile(outPath, model);
  } catch (err) {
    throw new UsageError(`cannot write --model-out ${modelOut}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const m = model.metrics;
  const meta = model.meta;
  const dropped = [
    ...meta.droppedConstant.map((d) => `${d.col} (constant)`),
    ...meta.droppedUninformative.map((d) => `${d.col} (|r| ${Math.abs(d.correlation).toFixed(3)})`),
  ];
  io.out(`trained in ${seconds.toFixed(1)} s: ${m.members} networks, one per fold of ${m.folds} (each fitted on ${round(m.fit_units!, 1)} assets, ${round(m.inner_units!, 1)} more to pick its epoch; best epoch ${round(m.best_epoch!, 1)} on average)`);
  io.out(`features (${meta.featureCols.length}): ${meta.featureCols.join(', ')}${dropped.length ? `; dropped: ${dropped.join(', ')}` : ''}`);
  io.out(`window ${meta.window}, estimates of the last ${meta.average ?? 1} averaged, cap ${meta.cap ?? 'none'}, interval level ${meta.level}`);
  io.out(
    `cross-validated (${m.val_units} held-out assets, ${m.val_points} cuts with true RUL ${m.cut_min_rul}-${m.cut_max_rul}): RMSE ${round(m.val_rmse!)}, NASA score ${round(m.val_nasa_score!, 1)}, MAE ${round(m.val_mae!)}, bias ${round(m.val_bias!)}; interval coverage ${round(m.val_coverage!, 3)}`,
  );
  io.out(`  not the reported figures: RMSE against the capped RUL ${round(m.val_rmse_capped!)}, over every row ${round(m.val_rmse_all_windows!)}, at the last row ${round(m.val_rmse_last!)}`);
  io.out(`model -> ${modelOut}`);
}

async function predict(values: Values, io: CommandIo): Promise<void> {
  const modelPath = required(values, 'model');
  const input = required(values, 'input');
  const out = required(values, 'out');
  const sep = separator(values);
  if (modelLoadingDisabled()) throw new UsageError(DISABLED);

  const file = readRulModelFile(resolve(io.cwd, modelPath));
  const assetCol = (values['asset-col'] as string | undefined)?.trim() || file.meta.assetCol;
  const timeCol = (values['time-col'] as string | undefined)?.trim() || file.meta.timeCol;
  const source = `--input ${basename(input)}`;
  const content = readText(resolve(io.cwd, input), '--input');
  const csvOpts = { ...(sep !== undefined ? { sep } : {}), ...(values.headerless ? { headerless: true } : {}), source };
  const columns = new Set(runToFailureColumns(content, csvOpts));
  const missing = file.meta.featureCols.filter((c) => !columns.has(c));
  if (missing.length > 0) {
    throw new UsageError(`${source} lacks the model's feature column${missing.length === 1 ? '' : 's'} ${missing.map((c) => `'${c}'`).join(', ')} (the model reads ${file.meta.featureCols.join(', ')})`);
  }
  const data: RunToFailureData = readRunToFailureCsv(content, { assetCol, timeCol, featureCols: file.meta.featureCols, ...csvOpts });
  const predictor = await loadRulPredictor(file.artifact, file.meta);
  let rows: ReturnType<typeof predictor.predictAssets>;
  try {
    rows = predictor.predictAssets(data);
  } finally {
    predictor.dispose();
  }

  const outPath = resolve(io.cwd, out);
  await writeOutputAtomically(outPath, `--out ${out}`, (append) => {
    append(csvLines([['asset', 'rul', 'lower', 'upper'], ...rows.map((r) => [r.asset, round(r.value), round(r.lower), round(r.upper)])]));
  });
  io.out(`estimated RUL of ${rows.length} asset${rows.length === 1 ? '' : 's'} (${Math.round(file.meta.level * 100)}% interval, window ${file.meta.window}) -> ${out}`);
}

export const runRul: Command = async (args, io) => {
  const [sub, ...rest] = args;
  try {
    if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
      if (sub === undefined) {
        io.err('rul: give a subcommand: train or predict (see smc rul --help)');
        return 2;
      }
      io.out(RUL_USAGE);
      return 0;
    }
    if (sub !== 'train' && sub !== 'predict') throw new UsageError(`unknown subcommand '${sub}': expected train or predict (see smc rul --help)`);
    const values = parse(rest, sub === 'train' ? TRAIN_OPTIONS : PREDICT_OPTIONS);
    if (values.help) {
      io.out(RUL_USAGE);
      return 0;
    }
    await (sub === 'train' ? train(values, io) : predict(values, io));
    return 0;
  } catch (err) {
    const what = sub === 'train' || sub === 'predict' ? `rul ${sub}` : 'rul';
    if (err instanceof UsageError || (err instanceof AppError && err.code === 'validation_failed')) {
      io.err(`${what}: ${err.message}`);
      return 2;
    }
    io.err(`${what} failed: ${(err as Error).stack ?? String(err)}`);
    return 1;
  }
};
