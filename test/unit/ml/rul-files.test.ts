import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AVERAGED_ESTIMATES,
  loadRulPredictor,
  readRulModelFile,
  readRunToFailureCsv,
  runToFailureColumns,
  trainRulModel,
  writeRulModelFile,
  type TrainedRulModel,
} from '../../../main/core/ml/rul';
import { MlInputError } from '../../../main/core/ml/ml-errors';
import { quietContext } from '../../../main/core/ml/runtime/train-context';
import { notFloat32Decimals } from '../../helpers/ml-data';
import { tempDir } from '../../helpers/station';

// Reading run-to-failure CSV files (C-MAPSS as shipped, without a header, and
// ordinary CSV with one) and the self-contained model file of `smc rul`.

const FD001 = readFileSync(join(__dirname, '..', '..', '..', 'assets', 'datasets', 'cmapss', 'train_FD001.txt'), 'utf8');
const firstUnits = (n: number) => FD001.split('\n').filter((l) => l.trim() !== '' && Number(l.trim().split(/ +/)[0]) <= n).join('\n');

describe('readRunToFailureCsv', () => {
  it('reads the C-MAPSS text file without a header as c1..c26', () => {
    const d = readRunToFailureCsv(FD001, { assetCol: 'c1', timeCol: 'c2', headerless: true });
    expect(d.assets).toHaveLength(20_631);
    expect(new Set(d.assets).size).toBe(100);
    expect(d.featureCols).toEqual(Array.from({ length: 24 }, (_, i) => `c${i + 3}`));
    expect(d.features).toHaveLength(20_631 * 24);
    expect(d.time[0]).toBe(1);
    expect(d.features[2]).toBeCloseTo(100); // setting 3 of the first row
    expect(d.features[24 * 20_630 + 23]).toBeCloseTo(23.0522, 4); // last sensor of the last row
    // The file's trailing blanks, also on a last line without a newline.
    expect(readRunToFailureCsv(firstUnits(2), { assetCol: 'c1', timeCol: 'c2', headerless: true }).assets).toHaveLength(192 + 287);
    expect(runToFailureColumns(FD001, { headerless: true })).toHaveLength(26);
  });

  it('reads a CSV with a header, a BOM and CRLF; default features skip text columns', () => {
    const csv = '\uFEFFengine,cycle,site,temp,pressure\r\nA,1,north,10.5,3\r\nA,2,north,11,3.1\r\nB,1,south,9,2.9\r\n';
    const d = readRunToFailureCsv(csv, { assetCol: 'engine', timeCol: 'cycle' });
    expect(d.featureCols).toEqual(['temp', 'pressure']);
    expect(d.assets).toEqual(['A', 'A', 'B']);
    expect(Array.from(d.features)).toEqual([10.5, 3, 11, Math.fround(3.1), 9, Math.fround(2.9)]);
    const semi = readRunToFailureCsv('u;t;x\n1;1;2\n', { assetCol: 'u', timeCol: 't' });
    expect(semi.featureCols).toEqual(['x']);
    const chosen = readRunToFailureCsv(csv, { assetCol: 'engine', timeCol: 'cycle', featureCols: ['pressure'] });
    expect(Array.from(chosen.features)).toEqual([3, Math.fround(3.1), Math.fround(2.9)]);
  });

  it('names the problem: column, line and value', () => {
    const read = (csv: string, opts: Partial<Parameters<typeof readRunToFailureCsv>[1]> = {}) => () =>
      readRunToFailureCsv(csv, { assetCol: 'u', timeCol: 't', source: 'f.csv', ...opts });
    expect(read('')).toThrow(/f\.csv is empty/);
    expect(read('u,t,x\n1,1,2\n', { timeCol: 'cycle' })).toThrow(/f\.csv has no column 'cycle' \(columns: u, t, x\)/);
    expect(read('u,t,x\n1,1,2\n', { featureCols: ['y'] })).toThrow(/has no column 'y'/);
    expect(read('u,t,x\n1,1,2\n1,2,NaN\n')).toThrow(/f\.csv line 3: column 'x' is 'NaN', not a finite number/);
    expect(read('u,t,x\n1,1,Infinity\n')).toThrow(/line 2: column 'x' is 'Infinity'/);
    expect(read('u,t,x\n1,1,1e39\n')).toThrow(/line 2: column 'x' is 1e\+39, too large for a model input/);
    expect(read('u,t,x\n1,1,\n')).toThrow(/line 2: column 'x' is empty/);
    expect(read('u,t,x\n1,1,2,3\n')).toThrow(/f\.csv is not valid CSV/);
    expect(read('u,t,x\n')).toThrow(/f\.csv has a header but no data rows/);
    expect(read('1 1 5\n1 2 6\n1 3 7 8\n', { assetCol: 'c1', timeCol: 'c2', headerless: true })).toThrow(/^f\.csv is not valid CSV \(line 3\): Invalid Record Length: expect 3, got 4$/);
    expect(read('u,t,x\n1,one,2\n')).toThrow(/line 2: column 't' is 'one'/);
    expect(read('u,t,x\n1,1,2\n', { featureCols: ['t'] })).toThrow(/'t' is the time column and cannot also be a feature column/);
    expect(read('u,t,x\n1,1,2\n', { featureCols: ['x', 'x'] })).toThrow(/feature column 'x' is listed twice/);
    expect(read('u,t,x\n1,1,2\n', { timeCol: 'u' })).toThrow(/the asset column and the time column are both 'u'/);
    expect(read('u,t,name\n1,1,pump\n')).toThrow(/no numeric feature columns besides 'u' and 't'/);
    // Headerless: line numbers are the file's own.
    expect(read('1 1 5\n1 2 x\n', { assetCol: 'c1', timeCol: 'c2', headerless: true })).toThrow(/f\.csv line 2: column 'c3' is 'x'/);
    expect(read('1 1 5\n', { assetCol: 'c1', timeCol: 'c9', headerless: true })).toThrow(/no column 'c9' \(a headerless file names its columns c1\.\.cN\)/);
    expect(read('u,t,x\n1,1,2\n')).not.toThrow();
    try {
      read('u,t,x\n1,1,2\n1,2,NaN\n')();
    } catch (err) {
      expect(err).toBeInstanceOf(MlInputError);
    }
  });

  it('refuses an asset with two rows at one time when training', async () => {
    const d = readRunToFailureCsv('u,t,x\n1,1,2\n1,1,3\n2,1,4\n2,2,5\n', { assetCol: 'u', timeCol: 't' });
    await expect(trainRulModel(d, {}, quietContext())).rejects.toThrow(/asset '1' has two rows at t 1/);
  });
});

describe('RUL model file', () => {
  let model: TrainedRulModel;
  const data = readRunToFailureCsv(firstUnits(10), { assetCol: 'c1', timeCol: 'c2', headerless: true });

  beforeAll(async () => {
    model = await trainRulModel(data, { cap: 125, epochs: 2, window: 20 }, quietContext(3));
  });

  it('round-trips: the same predictions from the file as from the trained model', async () => {
    const dir = tempDir('smc-rul-file-');
    const path = join(dir, 'engine.rul.json');
    writeRulModelFile(path, model);
    expect(readdirSync(dir)).toEqual(['engine.rul.json']);
    const doc = JSON.parse(readFileSync(path, 'utf8'));
    expect(doc).toMatchObject({ format: 'smc-rul-model', version: 1 });
    expect(typeof doc.weights).toBe('string');
    const back = readRulModelFile(path);
    expect(back.meta).toEqual(model.meta);
    expect(back.metrics).toEqual(model.metrics);
    const a = await loadRulPredictor(model.artifact, model.meta);
    const b = await loadRulPredictor(back.artifact, back.meta);
    try {
      const estimates = a.predictAssets(data);
      expect(b.predictAssets(data)).toEqual(estimates);
      // Outputs of a float32 network, written as float32 decimals; lower <= value <= upper.
      expect(notFloat32Decimals(estimates.flatMap((e) => [e.value, e.lower, e.upper]))).toBe(0);
      for (const e of estimates) expect(e.lower <= e.value && e.value <= e.upper).toBe(true);
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it('refuses a file that is not a RUL model, saying why', () => {
    const dir = tempDir('smc-rul-bad-');
    writeRulModelFile(join(dir, 'good.json'), model);
    const doc = JSON.parse(readFileSync(join(dir, 'good.json'), 'utf8'));
    const cases: [string, string, RegExp][] = [
      ['missing.json', '', /model file .*missing\.json does not exist/],
      ['text.json', 'unit,cycle\n1,1\n', /is not a RUL model file: it is not JSON/],
      ['array.json', '[1,2]', /it is not a JSON object/],
      ['other.json', JSON.stringify({ ...doc, format: 'tfjs-layers' }), /format is "tfjs-layers", expected "smc-rul-model"/],
      ['future.json', JSON.stringify({ ...doc, version: 2 }), /format version 2 is not supported/],
      ['short.json', JSON.stringify({ ...doc, weights: doc.weights.slice(0, 400) }), /weights hold 300 bytes, the manifest describes \d+/],
      ['meta.json', JSON.stringify({ ...doc, meta: { ...doc.meta, std: [1] } }), /is not a RUL model: mean\/std must hold 15 finite numbers/],
      ['window.json', JSON.stringify({ ...doc, meta: { ...doc.meta, window: -1 } }), /window must be an integer/],
      ['bands.json', JSON.stringify({ ...doc, meta: { ...doc.meta, bands: [] } }), /bands must be a non-empty list/],
      ['age.json', JSON.stringify({ ...doc, meta: { ...doc.meta, ageScale: 0 } }), /ageScale must be a positive number when present/],
      ['average-0.json', JSON.stringify({ ...doc, meta: { ...doc.meta, average: 0 } }), /is not a RUL model: average must be an integer from 1 to 64 when present, got 0/],
      ['average-65.json', JSON.stringify({ ...doc, meta: { ...doc.meta, average: 65 } }), /average must be an integer from 1 to 64 when present, got 65/],
      ['average-frac.json', JSON.stringify({ ...doc, meta: { ...doc.meta, average: 2.5 } }), /average must be an integer from 1 to 64 when present, got 2\.5/],
      ['average-text.json', JSON.stringify({ ...doc, meta: { ...doc.meta, average: '5' } }), /average must be an integer from 1 to 64 when present, got "5"/],
    ];
    expect(doc.meta.featureCols).toHaveLength(15);
    for (const [name, content, pattern] of cases) {
      if (content !== '') writeFileSync(join(dir, name), content);
      expect(() => readRulModelFile(join(dir, name)), name).toThrow(pattern);
      expect(() => readRulModelFile(join(dir, name))).toThrow(MlInputError);
    }
    // The error names the field, as the API's 422 shows it.
    try {
      readRulModelFile(join(dir, 'average-0.json'));
      expect.unreachable();
    } catch (err) {
      expect((err as MlInputError).details).toEqual([expect.objectContaining({ field: 'average' })]);
    }
  });

  it('refuses a network that does not match its description', async () => {
    const meta = { ...model.meta, window: model.meta.window + 1 };
    await expect(loadRulPredictor(model.artifact, meta)).rejects.toThrow(/network takes input \[null,20,16\], but its description says 21 rows x 16 columns \(features and age\)/);
    // An age-reading network described without its age column (as an older smc would describe it).
    const { ageScale: _, ...noAge } = model.meta;
    await expect(loadRulPredictor(model.artifact, noAge)).rejects.toThrow(/network takes input \[null,20,16\], but its description says 20 rows x 15 columns$/);
    await expect(loadRulPredictor({ ...model.artifact, topology: { nonsense: true } }, model.meta)).rejects.toThrow(MlInputError);
  });

  it('still reads a model saved before the age input: its meta has no ageScale, its network the features alone', async () => {
    const old = await trainRulModel(data, { cap: 125, epochs: 1, window: 20 }, quietContext(3), { age: false });
    expect(old.meta.ageScale).toBeUndefined();
    const path = join(tempDir('smc-rul-old-'), 'old.rul.json');
    writeRulModelFile(path, old);
    const back = readRulModelFile(path);
    const p = await loadRulPredictor(back.artifact, back.meta);
    try {
      expect(p.readsAge).toBe(false);
      const rows = Array.from({ length: 30 }, (_, r) => p.featureCols.map((c) => data.features[r * data.featureCols.length + data.featureCols.indexOf(c)]!));
      // Blind to age: the rows read alone, whatever the age said.
      expect(p.predict(rows)).toEqual(p.predict(rows.slice(-p.rowsRead), 500));
    } finally {
      p.dispose();
    }
  });

  it('still reads a model saved before averaging: its meta has no average, it predicts from the latest window alone', async () => {
    expect(model.meta.average).toBe(AVERAGED_ESTIMATES);
    const { average: _, ...before } = model.meta;
    const path = join(tempDir('smc-rul-noavg-'), 'before.rul.json');
    writeRulModelFile(path, { ...model, meta: before });
    const back = readRulModelFile(path);
    expect(back.meta.average).toBeUndefined();
    const old = await loadRulPredictor(back.artifact, back.meta);
    const one = await loadRulPredictor(model.artifact, { ...model.meta, average: 1 });
    const now = await loadRulPredictor(model.artifact, model.meta);
    try {
      expect(old).toMatchObject({ window: 20, average: 1, rowsRead: 20 });
      const rows = Array.from({ length: 60 }, (_, r) => old.featureCols.map((c) => data.features[r * data.featureCols.length + data.featureCols.indexOf(c)]!));
      for (const n of [60, 25, 3]) {
        const e = old.predict(rows.slice(0, n));
        // The latest window alone: the rows before it change nothing, and it is what a model told to average one estimate gives.
        expect(e).toEqual(old.predict(rows.slice(Math.max(0, n - 20), n), n - 1));
        expect(e).toEqual(one.predict(rows.slice(0, n)));
        // A model that averages gives another estimate from the same network.
        expect(now.predict(rows.slice(0, n)).value).not.toBe(e.value);
      }
      expect(old.predictAssets(data)).toEqual(one.predictAssets(data));
    } finally {
      old.dispose();
      one.dispose();
      now.dispose();
    }
  });
});
