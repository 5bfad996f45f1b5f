import type { Scope } from '../../../../contract';
import type { Db } from '../../platform/db';
import { newId, randomSecret } from '../../platform/ids';
import type { Tx } from '../../platform/write-queue';
import { sha256 } from './keys-repo';

// Browser sessions. The cookie carries a random token; only its hash is
// stored. A session ends when it is revoked, when it has not been used for
// IDLE_MS, after MAX_AGE_MS in any case, and when the key it was opened
// with is revoked or expires.

export const SESSION_IDLE_MS = 24 * 3600_000;
export const SESSION_MAX_AGE_MS = 7 * 24 * 3600_000;

export interface SessionRow {
  id: string;
  token_hash: string;
  csrf_token: string;
  key_id: string | null;
  name: string;
  scopes: string;
  created_at: number;
  expires_at: number;
  last_seen_at: number | null;
  revoked_at: number | null;
  user_agent: string | null;
}

export interface SessionRecord extends Omit<SessionRow, 'scopes' | 'token_hash'> {
  scopes: Scope[];
}

export type SessionCheck = { ok: true; session: SessionRecord } | { ok: false; reason: 'unknown' | 'revoked' | 'expired' };

export class SessionsRepo {
  private readonly byTokenStmt;
  private readonly byIdStmt;
  private readonly keyStmt;

  constructor(private readonly db: Db) {
    this.byTokenStmt = db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE token_hash = ?');
    this.byIdStmt = db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE id = ?');
    this.keyStmt = db.prepare<[string], { revoked_at: number | null; expires_at: number | null }>('SELECT revoked_at, expires_at FROM api_keys WHERE id = ?');
  }

  create(tx: Tx, s: { name: string; keyId: string | null; scopes: Scope[]; keyExpiresAt: number | null; userAgent: string | null }): { session: SessionRecord; token: string } {
    const token = randomSecret(32);
    const id = newId();
    const expires = Math.min(tx.now + SESSION_MAX_AGE_MS, s.keyExpiresAt ?? Infinity);
    this.db
      .prepare('INSERT INTO sessions (id, token_hash, csrf_token, key_id, name, scopes, created_at, expires_at, last_seen_at, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(id, sha256(token), randomSecret(24), s.keyId, s.name, JSON.stringify(s.scopes), tx.now, expires, tx.now, s.userAgent?.slice(0, 300) ?? null);
    return { session: this.get(id)!, token };
  }

  check(token: string, now: number): SessionCheck {
    const row = this.byTokenStmt.get(sha256(token));
    if (!row) return { ok: false, reason: 'unknown' };
    if (row.revoked_at !== null) return { ok: false, reason: 'revoked' };
    if (row.expires_at <= now || (row.last_seen_at ?? row.created_at) + SESSION_IDLE_MS <= now) return { ok: false, reason: 'expired' };
    if (row.key_id !== null) {
      const key = this.keyStmt.get(row.key_id);
      if (!key || key.revoked_at !== null) return { ok: false, reason: 'revoked' };
      if (key.expires_at !== null && key.expires_at <= now) return { ok: false, reason: 'expired' };
    }
    return { ok: true, session: toRecord(row) };
  }

  get(id: string): SessionRecord | undefined {
    const row = this.byIdStmt.get(id);
    return row ? toRecord(row) : undefined;
  }

  list(includeEnded: boolean, now: number): SessionRecord[] {
    const sql = includeEnded
      ? 'SELECT * FROM sessions ORDER BY created_at DESC, id DESC LIMIT 1000'
      : 'SELECT * FROM sessions WHERE revoked_at IS NULL AND expires_at > ? ORDER BY created_at DESC, id DESC LIMIT 1000';
    const rows = includeEnded ? this.db.prepare<[], SessionRow>(sql).all() : this.db.prepare<[number], SessionRow>(sql).all(now);
    return rows.map(toRecord);
  }

  touch(tx: Tx, id: string): void {
    this.db.prepare('UPDATE sessions SET last_seen_at = ? WHERE id = ?').run(tx.now, id);
  }

  revoke(tx: Tx, id: string): SessionRecord | undefined {
    this.db.prepare('UPDATE sessions SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?').run(tx.now, id);
    return this.get(id);
  }

  revokeForKey(tx: Tx, keyId: string): number {
    return this.db.prepare('UPDATE sessions SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL').run(tx.now, keyId).changes;
  }

  /** Sessions that ended more than a week ago are forgotten. */
  purge(tx: Tx): number {
    const before = tx.now - 7 * 24 * 3600_000;
    return this.db.prepare('DELETE FROM sessions WHERE expires_at < ? OR (revoked_at IS NOT NULL AND revoked_at < ?)').run(before, before).changes;
  }
}

function toRecord(row: SessionRow): SessionRecord {
  const { token_hash: _t, scopes, ...rest } = row;
  return { ...rest, scopes: JSON.parse(scopes) as Scope[] };
}
