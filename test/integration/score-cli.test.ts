import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/serve-process';

// `smc score` as a user runs it: the built CLI (out/main/cli.js) in a child
// process, on NAB's machine temperature file. Every bad input exits with 2,
// names the problem on stderr, and leaves --out as it was.

const NAB = join(__dirname, '..', '..', 'assets', 'datasets', 'nab');
const MACHINE = join(NAB, 'machine_temperature_system_failure.csv');
const WINDOWS = [
  ['2013-12-10 06:25:00', '2013-12-12 05:35:00'],
  ['2013-12-15 17:50:00', '2013-12-17 17:00:00'],
  ['2014-01-27 14:20:00', '2014-01-29 13:30:00'],
  ['2014-02-07 14:55:00', '2014-02-09 14:05:00'],
];

let dir: string;
let lines: string[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'smc-score-'));
  lines = readFileSync(MACHINE, 'utf8').trim().split('\n');
  writeFileSync(join(dir, 'head6000.csv'), `${lines.slice(0, 6001).join('\n')}\n`);
  writeFileSync(join(dir, 'normal2000.csv'), `${lines.slice(0, 2001).join('\n')}\n`);
});

const base = (input: string, out: string) => ['score', '--input', input, '--time-col', 'timestamp', '--value-cols', 'value', '--out', out];

function readOutput(path: string): { time: string; score: number; anomaly: number }[] {
  const [header, ...rows] = readFileSync(path, 'utf8').trim().split('\n');
  expect(header).toBe('time,score,anomaly');
  return rows.map((r) => {
    const [time, score, anomaly] = r.split(',');
    return { time: time!, score: Number(score), anomaly: Number(anomaly) };
  });
}

describe('smc score', () => {
  it('scores NAB machine temperature: one row per input row, an alarm inside each labelled failure', async () => {
    const out = join(dir, 'machine-scores.csv');
    const r = await runCli([...base(MACHINE, out), '--train-rows', '2000']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toMatch(/^scored 22695 rows with the autoencoder detector \(window 24, trained on 2000 rows\): threshold [\d.]+, \d+ alarms -> /);
    const rows = readOutput(out);
    expect(rows).toHaveLength(22695);
    expect(rows.map((x) => x.time)).toEqual(lines.slice(1).map((l) => l.split(',')[0]));
    expect(rows.every((x) => Number.isFinite(x.score) && x.score >= 0 && (x.anomaly === 0 || x.anomaly === 1))).toBe(true);
    expect(rows.slice(0, 23).every((x) => x.score === 0)).toBe(true);
    const onsets = rows.flatMap((x, i) => (x.anomaly === 1 && (i === 0 || rows[i - 1]!.anomaly === 0) ? [x.time] : []));
    for (const [from, to] of WINDOWS) expect(onsets.some((t) => t >= from! && t <= to!), `an alarm starts in ${from} .. ${to}`).toBe(true);
    const outside = onsets.filter((t) => !WINDOWS.some(([from, to]) => t >= from! && t <= to!));
    expect(outside.length).toBeLessThanOrEqual(3);
    expect(Number(/(\d+) alarms/.exec(r.stdout)![1])).toBe(onsets.length);
  }, 90_000);

  it('trains the same model from --train-file as from the same rows given by --train-rows, reproducibly per seed', async () => {
    const input = join(dir, 'head6000.csv');
    const a = join(dir, 'a.csv');
    const b = join(dir, 'b.csv');
    const c = join(dir, 'c.csv');
    const opts = ['--epochs', '5', '--seed', '7'];
    expect((await runCli([...base(input, a), '--train-rows', '2000', ...opts])).code).toBe(0);
    expect((await runCli([...base(input, b), '--train-file', join(dir, 'normal2000.csv'), ...opts])).code).toBe(0);
    expect((await runCli([...base(input, c), '--train-rows', '2000', '--epochs', '5', '--seed', '8'])).code).toBe(0);
    expect(readFileSync(b, 'utf8')).toBe(readFileSync(a, 'utf8'));
    expect(readFileSync(c, 'utf8')).not.toBe(readFileSync(a, 'utf8'));
  }, 90_000);

  it('uses the statistical detector, and says so, when model loading is disabled; reads --sep', async () => {
    const semi = join(dir, 'semicolon.csv');
    writeFileSync(semi, lines.slice(0, 6001).map((l) => l.replace(',', ';')).join('\n'));
    const out = join(dir, 'stat.csv');
    const r = await runCli([...base(semi, out), '--train-rows', '2000', '--sep', ';'], { SMC_DISABLE_MODEL_LOADING: '1' });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('smc: model loading disabled: statistical detector\n');
    expect(r.stdout).toMatch(/^scored 6000 rows with the statistical detector/);
    const rows = readOutput(out);
    expect(rows).toHaveLength(6000);
    // The crash to ~2 °F on Dec 16 is alarmed.
    expect(rows.some((x) => x.time.startsWith('2013-12-16') && x.anomaly === 1)).toBe(true);
  }, 60_000);

  it('reads a BOM, CRLF line ends and quoted times holding commas, and writes those times quoted', async () => {
    const rows = lines.slice(1, 3001).map((l) => l.split(','));
    const plain = join(dir, 'plain.csv');
    const quoted = join(dir, 'quoted.csv');
    writeFileSync(plain, `timestamp,value\n${rows.map(([t, v]) => `${t},${v}`).join('\n')}\n`);
    writeFileSync(quoted, `\uFEFFtimestamp,value\r\n${rows.map(([t, v]) => `"${t!.replace(' ', ', ')}",${v}`).join('\r\n')}\r\n`);
    const env = { SMC_DISABLE_MODEL_LOADING: '1' };
    const outPlain = join(dir, 'plain-scores.csv');
    const outQuoted = join(dir, 'quoted-scores.csv');
    expect((await runCli([...base(plain, outPlain), '--train-rows', '1000'], env)).code).toBe(0);
    const r = await runCli([...base(quoted, outQuoted), '--train-rows', '1000'], env);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(outQuoted, 'utf8');
    expect(text.split('\n')[1]).toBe('"2013-12-02, 21:15:00",0,0');
    const got = parse(text) as string[][];
    const want = parse(readFileSync(outPlain, 'utf8')) as string[][];
    expect(got[0]).toEqual(['time', 'score', 'anomaly']);
    expect(got.slice(1).map((x) => x[0])).toEqual(rows.map(([t]) => t!.replace(' ', ', ')));
    expect(got.map((x) => x.slice(1))).toEqual(want.map((x) => x.slice(1)));
    expect(got.some((x) => x[2] === '1')).toBe(true);
  }, 60_000);

  it('prints its usage with --help', async () => {
    const r = await runCli(['score', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/usage: smc score --input FILE\.csv --time-col C --value-cols A\[,B\.\.\]/);
    expect(r.stdout).toMatch(/SMC_DISABLE_MODEL_LOADING/);
  });

  describe('refuses bad input with exit code 2, a message naming the problem, and nothing written', () => {
    const small = () => join(dir, 'head6000.csv');
    const bad = (name: string, content: string) => {
      const p = join(dir, name);
      writeFileSync(p, content);
      return p;
    };
    const cases: [string, () => string[], RegExp][] = [
      ['a missing column', () => ['--input', small(), '--time-col', 'timestamp', '--value-cols', 'value,pressure', '--train-rows', '2000'], /no column 'pressure' \(columns: timestamp, value\)/],
      ['a missing time column', () => ['--input', small(), '--time-col', 'time', '--value-cols', 'value', '--train-rows', '2000'], /no column 'time'/],
      ['a malformed CSV', () => ['--input', bad('ragged.csv', `${lines.slice(0, 100).join('\n')}\n2013-12-03 05:35:00,71.2,extra\n`), '--time-col', 'timestamp', '--value-cols', 'value', '--train-rows', '50'], /not valid CSV \(line 101\)/],
      ['a NaN value', () => ['--input', bad('nan.csv', [...lines.slice(0, 300), '2013-12-03 22:10:00,NaN', ...lines.slice(300, 400)].join('\n')), '--time-col', 'timestamp', '--value-cols', 'value', '--train-rows', '100'], /line 301: column 'value' is 'NaN', not a finite number/],
      ['an infinite value', () => ['--input', bad('inf.csv', [...lines.slice(0, 300), '2013-12-03 22:10:00,Infinity'].join('\n')), '--time-col', 'timestamp', '--value-cols', 'value', '--train-rows', '100'], /line 301: column 'value' is 'Infinity', not a finite number/],
      ['too few training rows for the window', () => ['--input', small(), '--time-col', 'timestamp', '--value-cols', 'value', '--train-rows', '40'], /--train-rows 40: too few rows to train with a window of 24; need at least 70/],
      ['more training rows than the input has', () => ['--input', small(), '--time-col', 'timestamp', '--value-cols', 'value', '--train-rows', '9000'], /--train-rows 9000 is more than the 6000 rows of --input/],
      ['both --train-rows and --train-file', () => ['--input', small(), '--time-col', 'timestamp', '--value-cols', 'value', '--train-rows', '2000', '--train-file', small()], /either --train-rows or --train-file, not both/],
      ['neither --train-rows nor --train-file', () => ['--input', small(), '--time-col', 'timestamp', '--value-cols', 'value'], /give --train-rows N or --train-file F/],
      ['a missing --train-file', () => ['--input', small(), '--time-col', 'timestamp', '--value-cols', 'value', '--train-file', join(dir, 'nope.csv')], /cannot read --train-file .*nope\.csv: ENOENT/],
      ['a missing --input', () => ['--input', join(dir, 'absent.csv'), '--time-col', 'timestamp', '--value-cols', 'value', '--train-rows', '2000'], /cannot read --input .*absent\.csv: ENOENT/],
      ['an unknown option', () => ['--input', small(), '--time-col', 'timestamp', '--value-cols', 'value', '--train-rows', '2000', '--threshold', '3'], /Unknown option '--threshold'/],
      ['a bad number', () => ['--input', small(), '--time-col', 'timestamp', '--value-cols', 'value', '--train-rows', '2k'], /--train-rows must be an integer/],
      ['a fractional baseline', () => ['--input', small(), '--time-col', 'timestamp', '--value-cols', 'value', '--train-rows', '200', '--baseline-rows', '1.5'], /--baseline-rows must be an integer from 0/],
      ['a missing --value-cols', () => ['--input', small(), '--time-col', 'timestamp', '--train-rows', '2000'], /--value-cols is required/],
    ];

    it.each(cases)('%s', async (_what, args, message) => {
      const out = join(dir, 'kept.csv');
      writeFileSync(out, 'previous results\n');
      const r = await runCli(['score', ...args(), '--out', out]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toMatch(/^smc: score: /);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stdout).toBe('');
      expect(readFileSync(out, 'utf8')).toBe('previous results\n');
      expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    }, 30_000);

    it('an --out it cannot write', async () => {
      const out = join(dir, 'no-such-dir', 'scores.csv');
      const r = await runCli(['score', '--input', small(), '--time-col', 'timestamp', '--value-cols', 'value', '--train-rows', '2000', '--out', out]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/cannot write --out .*no-such-dir\/scores\.csv: ENOENT/);
      expect(existsSync(out)).toBe(false);
    });
  });
});
