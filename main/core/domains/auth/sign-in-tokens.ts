import type { Db } from '../../platform/db';
import { randomSecret } from '../../platform/ids';
import type { Tx } from '../../platform/write-queue';
import { sha256 } from './keys-repo';

// One-time sign-in tokens (the link `smc serve` prints, as Jupyter does):
// whoever can read the station's console output may open the web console
// without pasting a key. Each works once and for an hour; `smc
// sign-in-link` mints another at any time, also while the station runs.

export const SIGN_IN_TOKEN_TTL_MS = 3600_000;

export class SignInTokens {
  private readonly consumeStmt;

  constructor(private readonly db: Db) {
    this.consumeStmt = db.prepare<[number, string, number]>('UPDATE sign_in_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?');
  }

  mint(tx: Tx): { token: string; expiresAt: number } {
    const token = randomSecret(24);
    const expiresAt = tx.now + SIGN_IN_TOKEN_TTL_MS;
    this.db.prepare('INSERT INTO sign_in_tokens (token_hash, created_at, expires_at) VALUES (?, ?, ?)').run(sha256(token), tx.now, expiresAt);
    // Tokens used or expired a day ago are of no further interest.
    this.db.prepare('DELETE FROM sign_in_tokens WHERE expires_at < ?').run(tx.now - 24 * 3600_000);
    return { token, expiresAt };
  }

  /** Spends a token; false when it is unknown, used or expired. */
  consume(tx: Tx, token: string): boolean {
    // Looked up by a digest of the candidate, so timing reveals nothing about stored tokens.
    return this.consumeStmt.run(tx.now, sha256(token), tx.now).changes === 1;
  }
}
