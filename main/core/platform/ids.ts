import { randomBytes } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

/** Globally unique, time-sortable identifier for anything that leaves the station. */
export function newId(): string {
  return uuidv7();
}

/** URL-safe random secret with `bytes` bytes of entropy. */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
