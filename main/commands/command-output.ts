import { closeSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { stringify } from 'csv-stringify/sync';

// What the batch commands share: the error that means "fix your arguments
// or input" (exit 2), CSV writing, and output files that appear only when
// complete.

/** Bad arguments or input: printed as one line, exit code 2. */
export class UsageError extends Error {}

/**
 * CSV lines of the records, each ending in \n, by csv-stringify: a field
 * holding a comma, a quote or a line break is quoted, its quotes doubled;
 * numbers are written as JavaScript writes them.
 */
export function csvLines(records: readonly (readonly (string | number)[])[]): string {
  return stringify(records as (string | number)[][]);
}

/**
 * Writes `outPath` through a temp file next to it (so the rename stays on one
 * file system): the file appears complete or not at all. The temp file is
 * opened before `write` runs, so an unwritable destination is reported before
 * any long work (training) starts.
 */
export async function writeOutputAtomically(outPath: string, label: string, write: (append: (text: string) => void) => void | Promise<void>): Promise<void> {
  const tempPath = join(dirname(outPath), `.${basename(outPath)}.${process.pid}.${Date.now()}.tmp`);
  let fd: number;
  try {
    fd = openSync(tempPath, 'wx');
  } catch (err) {
    throw new UsageError(`cannot write ${label}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let done = false;
  try {
    await write((text) => void writeSync(fd, text));
    closeSync(fd);
    renameSync(tempPath, outPath);
    done = true;
  } finally {
    if (!done) {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
      try {
        unlinkSync(tempPath);
      } catch {
        // nothing to remove
      }
    }
  }
}
