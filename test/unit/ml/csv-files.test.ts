import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvLines } from '../../../main/commands/command-output';
import { collapseSpaces, detectSeparator } from '../../../main/core/ml/data/csv-records';
import { csvHeader, readNumericCsv } from '../../../main/core/ml/data/numeric-csv';
import { readRunToFailureCsv, runToFailureColumns } from '../../../main/core/ml/rul';
import { MlInputError } from '../../../main/core/ml/ml-errors';

// The CSV files of batch model work, read and written as RFC 4180 says:
// quoted fields may hold the separator, quotes and line breaks; files may
// end lines with CRLF and start with a UTF-8 byte order mark; and every
// error still names the file's own line and the column.

const BOM = '\uFEFF';

/** The same rows with LF and with CRLF line ends, each with and without a BOM. */
function variants(lines: string[]): [string, string][] {
  const lf = `${lines.join('\n')}\n`;
  const crlf = `${lines.join('\r\n')}\r\n`;
  return [['LF', lf], ['CRLF', crlf], ['BOM + LF', BOM + lf], ['BOM + CRLF', BOM + crlf]];
}

/** Joins a row's fields, with quoted fields keeping the file's own line end inside them. */
const quotedBreak = (eol: string) => `"north${eol}yard"`;

describe('readNumericCsv', () => {
  it.each(['\n', '\r\n'])('reads quoted fields with commas, quotes and line breaks (line end %j), and counts lines as the file has them', (eol) => {
    const file = [
      'time,"temp, C","site ""A"""',
      `"2024-05-01, 12:00",61.57,${quotedBreak(eol)}`,
      '"2024-05-01, 12:05",61.6,"say ""hi"""',
      '',
      '"2024-05-01, 12:10",oops,plain',
    ].join(eol);
    const read = (numeric: string[]) => readNumericCsv(BOM + file, { numeric, text: ['time', 'site "A"'], source: 'f.csv' });
    expect(() => read(['temp, C'])).toThrow(/^f\.csv line 6: column 'temp, C' is 'oops', not a finite number$/);
    const ok = readNumericCsv(BOM + file.replace('oops', '62'), { numeric: ['temp, C'], text: ['time', 'site "A"'], source: 'f.csv' });
    expect(ok.header).toEqual(['time', 'temp, C', 'site "A"']);
    expect(ok.rows).toBe(3);
    expect(Array.from(ok.numeric['temp, C']!)).toEqual([61.57, 61.6, 62]);
    expect(ok.text.time).toEqual(['2024-05-01, 12:00', '2024-05-01, 12:05', '2024-05-01, 12:10']);
    expect(ok.text['site "A"']).toEqual([`north${eol}yard`, 'say "hi"', 'plain']);
    expect([0, 1, 2].map(ok.lineOf)).toEqual([2, 4, 6]);
  });

  it.each(variants(['a,b', '1,2', '3,"4', '5,6']))('reports an unclosed quote at the line its record begins (%s)', (_what, file) => {
    expect(() => readNumericCsv(file, { numeric: ['a', 'b'], source: 'f.csv' })).toThrow(/^f\.csv is not valid CSV \(line 3\): Quote Not Closed/);
  });

  it.each(variants(['a,b', '1,"two', 'lines"', '3,4,5']))('reports a ragged row at its own line after a quoted line break (%s)', (_what, file) => {
    // csv-parse itself counts a CRLF inside quotes as two lines, and would say line 5.
    let error: unknown;
    try {
      readNumericCsv(file, { numeric: ['a'], text: ['b'], source: 'f.csv' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(MlInputError);
    expect((error as Error).message).toBe('f.csv is not valid CSV (line 4): Invalid Record Length: expect 2, got 3');
    expect((error as MlInputError).details).toMatchObject([{ path: 'f.csv', line: 4 }]);
  });

  it('keeps a bad value on one line of the message, whatever it holds', () => {
    expect(() => readNumericCsv('a,b\n1,"2\n3"\n', { numeric: ['a', 'b'], source: 'f.csv' })).toThrow(/^f\.csv line 2: column 'b' is '2\\n3', not a finite number$/);
  });

  it('detects the separator outside quotes', () => {
    expect(detectSeparator('"temp, C";time\n1;2\n')).toBe(';');
    expect(detectSeparator('"a\nb,c";d\n')).toBe(';');
    expect(detectSeparator('a\tb\n')).toBe('\t');
    expect(detectSeparator('single\n')).toBe(',');
    const semi = readNumericCsv(`${BOM}"temp, C";time\r\n"1,5";x\r\n`.replace('"1,5"', '1.5'), { numeric: ['temp, C'], text: ['time'] });
    expect(Array.from(semi.numeric['temp, C']!)).toEqual([1.5]);
    expect(csvHeader(`${BOM}"temp, C";"t\r\nime"\r\n1;2\r\n`)).toEqual(['temp, C', 't\r\nime']);
  });

  it('collapses runs of spaces outside quotes only, keeping lines where they were', () => {
    expect(collapseSpaces('  1   2  "a  b"   3  \r\n 4 5 \n\n6')).toBe('1 2 "a  b" 3\r\n4 5\n\n6');
    const spaced = readNumericCsv('u   t  x  \n1  1   2.5  \n\n1  2 3\n', { numeric: ['t', 'x'], text: ['u'], sep: ' ' });
    expect(Array.from(spaced.numeric.x!)).toEqual([2.5, 3]);
    expect([0, 1].map(spaced.lineOf)).toEqual([2, 4]);
  });
});

describe('readRunToFailureCsv', () => {
  it.each(variants(['engine,cycle,"temp, C",note', '"A, left",1,10.5,"ok"', `"A, left",2,11,"two${'\n'}lines"`, 'B,1,9,']))(
    'reads quoted asset ids and columns (%s)',
    (_what, file) => {
      const d = readRunToFailureCsv(file, { assetCol: 'engine', timeCol: 'cycle', featureCols: ['temp, C'], source: 'f.csv' });
      expect(d.assets).toEqual(['A, left', 'A, left', 'B']);
      expect(Array.from(d.features)).toEqual([10.5, 11, 9]);
      expect(runToFailureColumns(file, {})).toEqual(['engine', 'cycle', 'temp, C', 'note']);
    },
  );

  it('counts lines after a quoted line break when refusing a value, with and without a header', () => {
    const file = 'u,t,x\r\n"a\r\nb",1,2\r\n"a\r\nb",2,NaN\r\n';
    expect(() => readRunToFailureCsv(file, { assetCol: 'u', timeCol: 't', source: 'f.csv' })).toThrow(/^f\.csv line 4: column 'x' is 'NaN', not a finite number$/);
    const headerless = '"a\r\nb",1,2\r\n"a\r\nb",2,NaN\r\n';
    expect(() => readRunToFailureCsv(headerless, { assetCol: 'c1', timeCol: 'c2', headerless: true, source: 'f.csv' })).toThrow(/^f\.csv line 3: column 'c3' is 'NaN'/);
    expect(runToFailureColumns(headerless, { headerless: true })).toEqual(['c1', 'c2', 'c3']);
  });

  it('picks default features from the first data row even when the header spans lines', () => {
    const d = readRunToFailureCsv(`${BOM}u,t,"sensor\r\none",site\r\n1,1,5,north\r\n1,2,6,north\r\n`, { assetCol: 'u', timeCol: 't' });
    expect(d.featureCols).toEqual(['sensor\r\none']);
    expect(Array.from(d.features)).toEqual([5, 6]);
  });
});

describe('csvLines', () => {
  // What the commands wrote before csv-stringify, for the fields it already got right.
  const previous = (rows: (string | number)[][]) => rows.map((r) => r.map((f) => (typeof f === 'string' && /[",\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : String(f))).join(',')).join('\n') + '\n';

  it('writes what the commands wrote before, byte for byte', () => {
    const rows: (string | number)[][] = [
      ['time', 'score', 'anomaly'],
      ['2013-12-02 21:15:00', 0.123457, 0],
      ['2013-12-02 21:20:00', 0, 1],
      ['A, left', 12.5, 1e-7],
      ['say "hi"', -3, 1e21],
      [`two${'\r\n'}lines`, 125, 0.5],
    ];
    expect(csvLines(rows)).toBe(previous(rows));
  });

  it('reads back as the fields it was given', () => {
    const rows = [['asset', 'rul'], ['A, left', '12.5'], ['say "hi"', '3'], ['north\r\nyard', '1'], ['north\nyard', '2'], [' padded ', '4']];
    expect(parse(csvLines(rows))).toEqual(rows);
  });
});
