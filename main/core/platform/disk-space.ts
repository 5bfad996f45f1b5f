import { statfsSync } from 'node:fs';
import { AppError } from './errors';

// A full disk is the one failure SQLite cannot make clean: a write that
// runs out of space mid-checkpoint leaves the operator with a station that
// cannot start. So ingest and import stop, with a clear 507, while there is
// still room for what is already queued, the WAL checkpoint and the logs.

const MIB = 1024 * 1024;

export interface DiskGuardOptions {
  /** Directory whose file system holds the database. */
  dir: string;
  /** 0: never refuse. */
  floorMb: number;
  /** Free bytes for the caller (bavail: what an unprivileged process may still write); null when the platform cannot say. */
  freeBytes?: (dir: string) => number | null;
  /** How long one reading of the free space is trusted; statfs is a system call, ingest requests come thousands a second. */
  cacheMs?: number;
}

export interface DiskStatus {
  free_bytes: number | null;
  floor_bytes: number;
  disk: 'ok' | 'below_floor' | 'unknown';
}

export interface DiskGuard {
  readonly floorBytes: number;
  status(): DiskStatus;
  /** Throws `insufficient_storage` (507) when free space is below the floor; call before anything is written. */
  /** Throws 507 below the floor; `refused` says what was not done (default: nothing was stored). */
  requireFreeDisk(refused?: string): void;
}

export function statfsFreeBytes(dir: string): number | null {
  try {
    const s = statfsSync(dir);
    return Number(s.bavail) * Number(s.bsize);
  } catch {
    // Unsupported platform or file system: refusing every reading on a
    // guess would be worse than not guarding.
    return null;
  }
}

const mib = (bytes: number) => Math.floor(bytes / MIB);

export function createDiskGuard(opts: DiskGuardOptions): DiskGuard {
  const read = opts.freeBytes ?? statfsFreeBytes;
  const cacheMs = opts.cacheMs ?? 1000;
  const floorBytes = opts.floorMb * MIB;
  // Monotonic time, not the station's clock: tests stand that still.
  let cached: { at: number; free: number | null } | undefined;

  const free = (): number | null => {
    const t = performance.now();
    if (!cached || t - cached.at >= cacheMs) cached = { at: t, free: read(opts.dir) };
    return cached.free;
  };

  const status = (): DiskStatus => {
    const f = free();
    const disk = f === null ? 'unknown' : floorBytes > 0 && f < floorBytes ? 'below_floor' : 'ok';
    return { free_bytes: f, floor_bytes: floorBytes, disk };
  };

  return {
    floorBytes,
    status,
    requireFreeDisk(refused = 'nothing was stored') {
      if (floorBytes === 0) return;
      const s = status();
      if (s.disk !== 'below_floor') return;
      throw new AppError(
        'insufficient_storage',
        `free disk ${mib(s.free_bytes!)} MiB is below the configured floor ${opts.floorMb} MiB (disk-floor-mb); ${refused} — free disk space or lower the floor`,
        { free_bytes: s.free_bytes, floor_bytes: floorBytes },
      );
    },
  };
}
