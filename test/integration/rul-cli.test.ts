import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/serve-process';
import { ROOT, tempDir } from '../helpers/station';

// `smc rul train` and `smc rul predict` through the built CLI, on C-MAPSS
// FD001 engines given a header row (unit cycle set1..set3 s1..s21) and on an
// ordinary CSV. Training here is short (3 folds of 3 epochs): the model's quality is
// tested in test/unit/ml/rul-train.test.ts and measured in the bench.

const FD001 = readFileSync(join(ROOT, 'assets', 'datasets', 'cmapss', 'train_FD001.txt'), 'utf8');
const HEADER = ['unit', 'cycle', 'set1', 'set2', 'set3', ...Array.from({ length: 21 }, (_, i) => `s${i + 1}`)];
const LINES = FD001.split('\n').filter((l) => l.trim() !== '');
const unitOf = (line: string) => Number(line.trim().split(/ +/)[0]);
const withHeader = (keep: (unit: number) => boolean) => `${HEADER.join(' ')}\n${LINES.filter((l) => keep(unitOf(l))).join('\n')}\n`;

const dir = tempDir('smc-rul-cli-');
const trainFile = join(dir, 'fd001-30.txt');
const modelFile = join(dir, 'fd001.rul.json');
let trainOut: Awaited<ReturnType<typeof runCli>>;

function readOut(path: string): { header: string; rows: { asset: string; rul: number; lower: number; upper: number }[] } {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  return {
    header: header!,
    rows: lines.map((l) => {
      const [asset, rul, lower, upper] = l.split(',');
      return { asset: asset!, rul: Number(rul), lower: Number(lower), upper: Number(upper) };
    }),
  };
}

beforeAll(async () => {
  writeFileSync(trainFile, withHeader((u) => u <= 30));
  trainOut = await runCli(['rul', 'train', '--input', trainFile, '--sep', ' ', '--asset-col', 'unit', '--time-col', 'cycle', '--cap', '125', '--window', '30', '--epochs', '3', '--seed', '9', '--model-out', modelFile]);
}, 120_000);

describe('smc rul', () => {
  it('prints its help', async () => {
    const r = await runCli(['rul', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/usage: smc rul train/);
    expect(r.stdout).toMatch(/--headerless/);
    expect(r.stdout).toMatch(/SMC_DISABLE_MODEL_LOADING=1/);
    expect((await runCli(['rul', 'predict', '--help'])).stdout).toMatch(/asset,rul,lower,upper/);
  });

  it('trains a model file and reports cross-validated figures', () => {
    expect(trainOut.code, trainOut.stderr).toBe(0);
    // 30 engines, 3 folds (the default): each network is fitted on 17, 3 more pick its epoch, and it estimates the 10 it never saw.
    expect(trainOut.stdout).toMatch(/trained in [\d.]+ s: 3 networks, one per fold of 3 \(each fitted on 17 assets, 3 more to pick its epoch; best epoch [\d.]+ on average\)/);
    expect(trainOut.stdout).toMatch(/cross-validated \(30 held-out assets, 300 cuts with true RUL 7-145\): RMSE [\d.]+, NASA score [\d.]+, MAE [\d.]+, bias -?[\d.]+; interval coverage [\d.]+/);
    expect(trainOut.stdout).toMatch(/not the reported figures: RMSE against the capped RUL [\d.]+, over every row [\d.]+, at the last row [\d.]+/);
    expect(trainOut.stdout).toMatch(/dropped: set3 \(constant\)/);
    const doc = JSON.parse(readFileSync(modelFile, 'utf8'));
    expect(doc).toMatchObject({ format: 'smc-rul-model', version: 1, meta: { assetCol: 'unit', timeCol: 'cycle', window: 30, cap: 125 } });
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('predicts one row per asset, in first-appearance order, with an interval', async () => {
    const out = join(dir, 'rul.csv');
    const r = await runCli(['rul', 'predict', '--model', modelFile, '--input', trainFile, '--sep', ' ', '--asset-col', 'unit', '--time-col', 'cycle', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/estimated RUL of 30 assets \(90% interval, window 30\)/);
    const { header, rows } = readOut(out);
    expect(header).toBe('asset,rul,lower,upper');
    expect(rows.map((x) => x.asset)).toEqual(Array.from({ length: 30 }, (_, i) => String(i + 1)));
    for (const x of rows) {
      expect(x.lower).toBeGreaterThanOrEqual(0);
      expect(x.lower).toBeLessThanOrEqual(x.rul);
      expect(x.rul).toBeLessThanOrEqual(x.upper);
      // The estimate is within the cap; the interval bounds the true RUL and may reach past it.
      expect(x.rul).toBeLessThanOrEqual(125);
    }
  });

  it('reads an ordinary CSV with other asset and time names, columns in any order, and short histories', async () => {
    // Engines 31-36 cut after 5..80 cycles, as comma-separated text with a different layout.
    const model = JSON.parse(readFileSync(modelFile, 'utf8'));
    const cols: string[] = [...model.meta.featureCols].reverse();
    const lines = [['t', ...cols, 'engine'].join(',')];
    for (let u = 31; u <= 36; u++) {
      const rows = LINES.filter((l) => unitOf(l) === u).slice(0, 5 + (u - 31) * 15);
      for (const l of rows) {
        const f = l.trim().split(/ +/);
        lines.push([f[1], ...cols.map((c) => f[HEADER.indexOf(c)]), `E${u}`].join(','));
      }
    }
    const input = join(dir, 'fleet.csv');
    writeFileSync(input, `${lines.join('\r\n')}\r\n`);
    const out = join(dir, 'fleet-rul.csv');
    const r = await runCli(['rul', 'predict', '--model', modelFile, '--input', input, '--asset-col', 'engine', '--time-col', 't', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const { rows } = readOut(out);
    expect(rows.map((x) => x.asset)).toEqual(['E31', 'E32', 'E33', 'E34', 'E35', 'E36']);
    for (const x of rows) expect(x.rul).toBeGreaterThan(0);
  });

  it('reads quoted asset ids with commas and line breaks under a BOM and CRLF, and writes them back quoted', async () => {
    const model = JSON.parse(readFileSync(modelFile, 'utf8'));
    const cols: string[] = model.meta.featureCols;
    const names = ['E37, port', 'E38 "spare"', 'E39\r\nstarboard'];
    const lines = [['engine', 'cycle', ...cols].join(',')];
    names.forEach((name, k) => {
      for (const l of LINES.filter((x) => unitOf(x) === 37 + k).slice(0, 40)) {
        const f = l.trim().split(/ +/);
        lines.push([`"${name.replace(/"/g, '""')}"`, f[1], ...cols.map((c) => f[HEADER.indexOf(c)])].join(','));
      }
    });
    const input = join(dir, 'quoted-fleet.csv');
    writeFileSync(input, `\uFEFF${lines.join('\r\n')}\r\n`);
    const out = join(dir, 'quoted-rul.csv');
    const r = await runCli(['rul', 'predict', '--model', modelFile, '--input', input, '--asset-col', 'engine', '--time-col', 'cycle', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(/^asset,rul,lower,upper\n"E37, port",[\d.]+,[\d.]+,[\d.]+\n"E38 ""spare""",/);
    const records = parse(text) as string[][];
    expect(records.slice(1).map((x) => x[0])).toEqual(names);
    for (const x of records.slice(1)) expect(Number(x[1])).toBeGreaterThan(0);
  });

  it('refuses bad input with exit code 2, a message naming the problem and no output file', async () => {
    const bad = (name: string, content: string) => {
      const p = join(dir, name);
      writeFileSync(p, content);
      return p;
    };
    const header = HEADER.join(' ');
    const two = LINES.filter((l) => unitOf(l) <= 2).map((l) => l.trim());
    const nan = bad('nan.txt', `${header}\n${two.slice(0, 5).join('\n')}\n${two[5]!.replace(/ 8\.\d+ /, ' NaN ')}\n${two.slice(6).join('\n')}\n`);
    const ragged = bad('ragged.txt', `${header}\n${two.slice(0, 3).join('\n')}\n${two[3]} 7\n`);
    const single = bad('single.txt', `${header}\n${two.filter((l) => unitOf(l) === 1).join('\n')}\n`);
    const noSensor = bad('no-s2.csv', `unit,cycle,s3\n1,1,1590\n`);
    const notModel = bad('not-model.json', '{"format":"tfjs-layers"}');
    const newModel = join(dir, 'never.json');
    const out = join(dir, 'never.csv');
    const train = (input: string, ...extra: string[]) => ['rul', 'train', '--input', input, '--sep', ' ', '--asset-col', 'unit', '--time-col', 'cycle', '--epochs', '1', '--model-out', newModel, ...extra];
    const predict = (model: string, input: string) => ['rul', 'predict', '--model', model, '--input', input, '--out', out];
    const cases: [string[], RegExp, Record<string, string>?][] = [
      [train(trainFile, '--time-col', 'time'), /^smc: rul train: --input fd001-30\.txt has no column 'time' \(columns: unit, cycle, set1/],
      [train(ragged), /^smc: rul train: --input ragged\.txt is not valid CSV/],
      [train(nan), /^smc: rul train: --input nan\.txt line 7: column 's\d+' is 'NaN', not a finite number/],
      [train(single), /1 asset in column 'unit'; need at least 2, so that whole assets can be held out for validation/],
      [train(trainFile, '--window', '0'), /--window must be an integer from 1 to 512, got '0'/],
      [train(trainFile, '--cap', 'lots'), /--cap must be a positive number, got 'lots'/],
      [train(trainFile, '--folds', '1'), /--folds must be an integer from 2 to 20, got '1'/],
      [train(join(dir, 'absent.txt')), /cannot read --input .*absent\.txt: ENOENT/],
      [[...train(trainFile), '--model-out', join(dir, 'no-such-dir', 'm.json')], /cannot write --model-out .*m\.json: directory .*no-such-dir does not exist/],
      [predict(modelFile, noSensor), /^smc: rul predict: --input no-s2\.csv lacks the model's feature columns 's2', 's4'/],
      [predict(notModel, trainFile), /^smc: rul predict: .*not-model\.json is not a RUL model file: format is "tfjs-layers", expected "smc-rul-model"/],
      [predict(trainFile, trainFile), /fd001-30\.txt is not a RUL model file: it is not JSON/],
      [['rul', 'train', '--input', trainFile, '--bogus'], /^smc: rul train: Unknown option '--bogus'/],
      [['rul', 'predict', '--model', modelFile, '--input', trainFile], /^smc: rul predict: --out is required/],
      [['rul', 'fit'], /^smc: rul: unknown subcommand 'fit': expected train or predict/],
      [['rul'], /^smc: rul: give a subcommand: train or predict/],
      [train(trainFile), /^smc: rul train: model loading is disabled \(SMC_DISABLE_MODEL_LOADING=1\): RUL needs a trained model/, { SMC_DISABLE_MODEL_LOADING: '1' }],
      [predict(modelFile, trainFile), /^smc: rul predict: model loading is disabled \(SMC_DISABLE_MODEL_LOADING=1\)/, { SMC_DISABLE_MODEL_LOADING: '1' }],
    ];
    for (const [args, pattern, env] of cases) {
      const r = await runCli(args, env);
      expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(pattern);
      expect(r.stderr.trim().split('\n'), 'one line').toHaveLength(1);
      expect(existsSync(newModel), args.join(' ')).toBe(false);
      expect(existsSync(out), args.join(' ')).toBe(false);
    }
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 120_000);
});
