import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

// One running station per data directory. Two would both deliver the same
// events (two detectors stepping on one asset's state, every alarm twice);
// the desktop app and `smc serve` share a data directory, so the second to
// start is refused with a message naming the first. Commands that only
// call operations (smc keys, smc sign-in-link) do not take the lock.

export class StationLockedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StationLockedError';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Data directories a station of this process holds (two in one process would clash just the same). */
const held = new Set<string>();

export function lockDataDir(dataDir: string): () => void {
  const file = join(dataDir, 'station.lock');
  if (held.has(file)) throw new StationLockedError(`a station of this process is already running on ${dataDir}`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      held.add(file);
      return () => {
        held.delete(file);
        try {
          if (readFileSync(file, 'utf8').trim() === String(process.pid)) unlinkSync(file);
        } catch {
          // already gone
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
        throw new StationLockedError(`another station (process ${pid}) is already running on ${dataDir}; stop it first or choose another --data-dir`);
      }
      // Left by a process that is gone (a crash, a kill -9): take it over.
      unlinkSync(file);
    }
  }
  throw new StationLockedError(`could not take the station lock ${file}`);
}
