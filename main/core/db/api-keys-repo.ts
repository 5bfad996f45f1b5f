import { createHash } from 'node:crypto';
import type { Scope } from '../../../contract';
import { newId, randomSecret } from '../ids';
import type { Db } from './open';

export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  key_hash: string;
  scopes: string;
  rate_limit_per_minute: number | null;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface ApiKeyRecord extends Omit<ApiKeyRow, 'scopes' | 'key_hash'> {
  scopes: Scope[];
}

export interface NewKey {
  name: string;
  scopes: Scope[];
  rateLimitPerMinute?: number | null;
  expiresAt?: number | null;
  /** Use this secret instead of generating one (bootstrap key from config). */
  secret?: string;
}

/**
 * Keys are 32 random bytes, so a single SHA-256 is a sufficient hash at rest:
 * there is nothing to brute-force that a slow hash would protect.
 */
export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

const LAST_USED_RESOLUTION_MS = 60_000;

export class ApiKeysRepo {
  private readonly byHash;
  private readonly byIdStmt;
  private readonly touchStmt;
  private readonly lastTouched = new Map<string, number>();

  constructor(private readonly db: Db) {
    this.byHash = db.prepare<[string], ApiKeyRow>('SELECT * FROM api_keys WHERE key_hash = ?');
    this.byIdStmt = db.prepare<[string], ApiKeyRow>('SELECT * FROM api_keys WHERE id = ?');
    this.touchStmt = db.prepare<[number, string]>('UPDATE api_keys SET last_used_at = ? WHERE id = ?');
  }

  create(input: NewKey, now: number): { record: ApiKeyRecord; key: string } {
    const key = input.secret ?? `smc_${randomSecret(32)}`;
    const id = newId();
    this.db
      .prepare(
        `INSERT INTO api_keys (id, name, prefix, key_hash, scopes, rate_limit_per_minute, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, input.name, key.slice(0, 10), hashKey(key), JSON.stringify(input.scopes), input.rateLimitPerMinute ?? null, now, input.expiresAt ?? null);
    return { record: this.get(id)!, key };
  }

  /** The active key matching this secret, or why there is none. */
  authenticate(key: string, now: number): { ok: true; record: ApiKeyRecord } | { ok: false; reason: 'unknown' | 'revoked' | 'expired' } {
    const row = this.byHash.get(hashKey(key));
    if (!row) return { ok: false, reason: 'unknown' };
    if (row.revoked_at !== null) return { ok: false, reason: 'revoked' };
    if (row.expires_at !== null && row.expires_at <= now) return { ok: false, reason: 'expired' };
    this.touch(row.id, now);
    return { ok: true, record: toRecord(row) };
  }

  existsWithSecret(key: string): boolean {
    return this.byHash.get(hashKey(key)) !== undefined;
  }

  get(id: string): ApiKeyRecord | undefined {
    const row = this.byIdStmt.get(id);
    return row ? toRecord(row) : undefined;
  }

  list(): ApiKeyRecord[] {
    return this.db.prepare<[], ApiKeyRow>('SELECT * FROM api_keys ORDER BY created_at, id').all().map(toRecord);
  }

  revoke(id: string, now: number): ApiKeyRecord | undefined {
    this.db.prepare('UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?').run(now, id);
    return this.get(id);
  }

  // Recording every use would turn each read into a write; once a minute is
  // enough to tell which keys are alive.
  private touch(id: string, now: number): void {
    const last = this.lastTouched.get(id);
    if (last !== undefined && now - last < LAST_USED_RESOLUTION_MS) return;
    this.lastTouched.set(id, now);
    this.touchStmt.run(now, id);
  }
}

function toRecord(row: ApiKeyRow): ApiKeyRecord {
  const { key_hash: _hash, scopes, ...rest } = row;
  return { ...rest, scopes: JSON.parse(scopes) as Scope[] };
}
