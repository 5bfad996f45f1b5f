import { randomBytes, randomFillSync } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

// Random bytes for identifiers come from a pool refilled 4 KB at a time:
// asking the system for 16 bytes per id made every event of the ingest path
// pay for a call of its own.
const pool = Buffer.alloc(4096);
let offset = pool.length;

function random16(): Uint8Array {
  if (offset + 16 > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const out = pool.subarray(offset, offset + 16);
  offset += 16;
  return out;
}

/** Globally unique, time-sortable identifier for anything that leaves the station. */
export function newId(): string {
  return uuidv7({ random: random16() });
}

/** URL-safe random secret with `bytes` bytes of entropy. */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
