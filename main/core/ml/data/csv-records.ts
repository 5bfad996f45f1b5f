import { parse } from 'csv-parse/sync';
import { MlInputError } from '../ml-errors';

// CSV records with the file line each begins on, through csv-parse (RFC 4180
// quoting: a quoted field may hold the separator, quotes and line breaks).
// Lines are counted here, from where each record starts in the bytes, not
// taken from csv-parse: its count is one off per line break inside a quoted
// field of a CRLF file. A record that fails to parse is reported at the line
// it begins on.

/** Separators tried when none is given, in this order. */
const SEPARATORS = [',', ';', '\t', ' '] as const;

/** The text without a leading UTF-8 byte order mark. */
export function withoutBom(content: string): string {
  return content.charCodeAt(0) === 0xfeff ? content.slice(1) : content;
}

/** The header's characters outside quotes, up to the first line break outside quotes. */
function headerOutsideQuotes(text: string): string {
  let out = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') quoted = !quoted;
    else if (quoted) continue;
    else if (c === '\n' || c === '\r') break;
    else out += c;
  }
  return out;
}

/** The separator of a file: the first of , ; tab space in its header (outside quotes), else a comma. */
export function detectSeparator(text: string): string {
  const header = headerOutsideQuotes(text);
  return SEPARATORS.find((s) => header.includes(s)) ?? ',';
}

/**
 * A space-separated file as single spaces: runs of spaces outside quotes
 * become one, and spaces at the start and end of a line go (C-MAPSS pads
 * its lines). Line breaks are kept, so line numbers do not move.
 */
export function collapseSpaces(text: string): string {
  let out = '';
  let quoted = false;
  let pending = false; // a run of spaces seen, written only if the line goes on
  let lineStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (!quoted && c === ' ') {
      pending = !lineStart;
      continue;
    }
    if (!quoted && (c === '\n' || c === '\r')) {
      pending = false;
      lineStart = true;
      out += c;
      continue;
    }
    if (pending) out += ' ';
    pending = false;
    lineStart = false;
    if (c === '"') quoted = !quoted;
    out += c;
  }
  return out;
}

export interface CsvRecords {
  records: string[][];
  /** 1-based file line on which record i begins. */
  lines: number[];
}

export interface CsvRecordOptions {
  delimiter: string;
  /** What the file is, for messages. */
  source: string;
  /** Stop after this many records (the header, the first row). */
  to?: number;
  /** Records may differ in length (reading only the first few). */
  ragged?: boolean;
}

const WHITESPACE = new Set([0x20, 0x09, 0x0d, 0x0a]);

export function parseCsvRecords(text: string, opts: CsvRecordOptions): CsvRecords {
  const bytes = Buffer.from(text, 'utf8');
  const lines: number[] = [];
  let scanned = 0;
  let line = 1;
  let nextStart = 0;
  /** Line of the first byte at or after `from` that is not blank: where a record begins (empty lines are skipped). */
  const lineOfRecordAt = (from: number): number => {
    let p = from;
    while (p < bytes.length && WHITESPACE.has(bytes[p]!)) p++;
    for (; scanned < p; scanned++) if (bytes[scanned] === 0x0a) line++;
    return line;
  };
  try {
    const records = parse(bytes, {
      delimiter: opts.delimiter,
      relax_column_count: opts.ragged === true,
      skip_empty_lines: true,
      trim: opts.delimiter !== ' ',
      ...(opts.to !== undefined ? { to: opts.to } : {}),
      on_record: (record: string[], info: { bytes: number }) => {
        lines.push(lineOfRecordAt(nextStart));
        nextStart = info.bytes;
        return record;
      },
    }) as string[][];
    return { records, lines };
  } catch (err) {
    const at = lineOfRecordAt(nextStart);
    // csv-parse's own line numbers are dropped: ours are given once, in front.
    const why = ((err as Error).message ?? String(err)).replace(/ (?:on|at) line \d+/g, '');
    throw new MlInputError(`${opts.source} is not valid CSV (line ${at}): ${why}`, { path: opts.source, line: at });
  }
}
