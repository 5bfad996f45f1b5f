import { hash, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { Scope } from '../../../../contract';
import type { Db } from '../../platform/db';
import { newId, randomSecret } from '../../platform/ids';
import type { Tx } from '../../platform/write-queue';

export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  key_hash: string;
  kdf: 'sha256' | 'scrypt';
  salt: string | null;
  scopes: string;
  rate_limit_per_minute: number | null;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface ApiKeyRecord extends Omit<ApiKeyRow, 'scopes' | 'key_hash' | 'kdf' | 'salt'> {
  scopes: Scope[];
}

export interface NewKey {
  name: string;
  scopes: Scope[];
  rateLimitPerMinute?: number | null;
  expiresAt?: number | null;
  /** Use this secret instead of generating one (bootstrap key from config): hashed with scrypt. */
  secret?: string;
}

export const GENERATED_PREFIX = 'smc_';

/**
 * Generated keys are 32 random bytes: a single SHA-256 is enough at rest,
 * there is nothing a slow hash would protect. A secret chosen by a person
 * (the bootstrap key) may be guessable from a stolen database, so it is
 * stored with scrypt and a random salt.
 */
export function sha256(text: string): string {
  // The one-shot form: every authenticated request hashes its key, and a Hash object cost three times as much.
  return hash('sha256', text, 'hex');
}

const SCRYPT: ScryptOptions = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const SCRYPT_BYTES = 32;

function scrypt(secret: string, salt: string): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(secret, Buffer.from(salt, 'base64'), SCRYPT_BYTES, SCRYPT, (err, key) => (err ? reject(err) : resolve(key))));
}

export type AuthFailure = 'unknown' | 'revoked' | 'expired' | 'busy';
export type KeyCheck = { ok: true; record: ApiKeyRecord } | { ok: false; reason: AuthFailure };

export class ApiKeysRepo {
  private readonly byHash;
  private readonly byIdStmt;
  private readonly scryptRows;
  /** SHA-256 of user-chosen secrets verified by scrypt in this process → key id; kept in memory only. */
  private readonly verified = new Map<string, string>();
  /**
   * Keys already found, by SHA-256 of the secret: every request authenticates,
   * and two lookups and a JSON parse each time showed in profiles. Valid
   * while no other connection (the CLI) has written to the database
   * (PRAGMA data_version) and this one has not changed a key. Asking
   * SQLite for data_version costs tens of microseconds in WAL mode (about
   * what the rest of a request costs), so it is asked at most every
   * VERSION_CHECK_MS: a key revoked by the CLI stops working within that.
   */
  private readonly found = new Map<string, { row: ApiKeyRow; record: ApiKeyRecord }>();
  private foundVersion = -1;
  private versionCheckedAt = -Infinity;
  private readonly dataVersion;
  static readonly VERSION_CHECK_MS = 200;
  /** scrypt costs ~50 ms and 16 MB: at most this many run at once, so guesses cannot exhaust the machine. */
  private scryptRunning = 0;
  private static readonly SCRYPT_PARALLEL = 2;

  constructor(private readonly db: Db) {
    this.byHash = db.prepare<[string], ApiKeyRow>("SELECT * FROM api_keys WHERE key_hash = ? AND kdf = 'sha256'");
    this.byIdStmt = db.prepare<[string], ApiKeyRow>('SELECT * FROM api_keys WHERE id = ?');
    this.scryptRows = db.prepare<[], ApiKeyRow>("SELECT * FROM api_keys WHERE kdf = 'scrypt' AND revoked_at IS NULL");
    this.dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
  }

  /** Forget what was found (a key was created, revoked or re-hashed here). */
  private forget(): void {
    this.found.clear();
  }

  /** Creates a key; a given secret is hashed with scrypt first (so this is async). */
  async prepare(input: NewKey): Promise<{ row: Omit<ApiKeyRow, 'created_at' | 'last_used_at' | 'revoked_at'>; key: string }> {
    const key = input.secret ?? `${GENERATED_PREFIX}${randomSecret(32)}`;
    const chosen = input.secret !== undefined;
    const salt = chosen ? randomBytes(16).toString('base64') : null;
    const hash = chosen ? (await scrypt(key, salt!)).toString('hex') : sha256(key);
    return {
      key,
      row: {
        id: newId(), name: input.name, prefix: chosen ? key.slice(0, 4) : key.slice(0, 10), key_hash: hash, kdf: chosen ? 'scrypt' : 'sha256', salt,
        scopes: JSON.stringify(input.scopes), rate_limit_per_minute: input.rateLimitPerMinute ?? null, expires_at: input.expiresAt ?? null,
      },
    };
  }

  insert(tx: Tx, row: Awaited<ReturnType<ApiKeysRepo['prepare']>>['row']): ApiKeyRecord {
    this.db
      .prepare(
        `INSERT INTO api_keys (id, name, prefix, key_hash, kdf, salt, scopes, rate_limit_per_minute, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(row.id, row.name, row.prefix, row.key_hash, row.kdf, row.salt, row.scopes, row.rate_limit_per_minute, tx.now, row.expires_at);
    this.forget();
    return this.get(row.id)!;
  }

  /** The key matching this secret, or why there is none. Never throws for a wrong secret. */
  async check(secret: string, now: number, opts: { slow?: boolean } = {}): Promise<KeyCheck> {
    const fast = sha256(secret);
    const known = this.knownBy(fast, now);
    if (known) return known;
    const row = await this.find(secret, fast, opts.slow ?? true);
    if (row === 'busy') return { ok: false, reason: 'busy' };
    if (!row) return { ok: false, reason: 'unknown' };
    // Frozen: one record serves every request made with the key until the cache is cleared.
    const hit = { row, record: Object.freeze(toRecord(row)) };
    this.found.set(fast, hit);
    return judge(hit, now);
  }

  /**
   * The same, without waiting, for a secret found before (every request of
   * a machine after its first); undefined when it must be looked up.
   */
  checkKnown(secret: string, now: number): KeyCheck | undefined {
    return this.knownBy(sha256(secret), now);
  }

  private knownBy(fast: string, now: number): KeyCheck | undefined {
    const clock = performance.now();
    if (clock - this.versionCheckedAt >= ApiKeysRepo.VERSION_CHECK_MS) {
      this.versionCheckedAt = clock;
      const version = this.dataVersion.get()!;
      if (version !== this.foundVersion) {
        this.found.clear();
        this.foundVersion = version;
      }
    }
    const hit = this.found.get(fast);
    return hit ? judge(hit, now) : undefined;
  }

  private async find(secret: string, fast: string, slow: boolean): Promise<ApiKeyRow | undefined | 'busy'> {
    const plain = this.byHash.get(fast);
    if (plain) return plain;
    if (secret.startsWith(GENERATED_PREFIX)) return undefined;
    const known = this.verified.get(fast);
    if (known) return this.byIdStmt.get(known);
    if (!slow || this.scryptRows.all().length === 0) return undefined;
    if (this.scryptRunning >= ApiKeysRepo.SCRYPT_PARALLEL) return 'busy';
    this.scryptRunning++;
    try {
      for (const row of this.scryptRows.all()) {
        const derived = await scrypt(secret, row.salt!);
        if (timingSafeEqual(derived, Buffer.from(row.key_hash, 'hex'))) {
          this.verified.set(fast, row.id);
          return row;
        }
      }
      return undefined;
    } finally {
      this.scryptRunning--;
    }
  }

  /** Whether a key with this secret was ever created (the bootstrap key is created once, never resurrected). */
  async existsWithSecret(secret: string): Promise<ApiKeyRow | undefined> {
    const fast = this.db.prepare<[string], ApiKeyRow>('SELECT * FROM api_keys WHERE key_hash = ?').get(sha256(secret));
    if (fast) return fast;
    for (const row of this.db.prepare<[], ApiKeyRow>("SELECT * FROM api_keys WHERE kdf = 'scrypt'").all()) {
      if (timingSafeEqual(await scrypt(secret, row.salt!), Buffer.from(row.key_hash, 'hex'))) return row;
    }
    return undefined;
  }

  /** A scrypt hash of a secret, for re-hashing a key stored with SHA-256 before scrypt was used. */
  async scryptHash(secret: string): Promise<{ hash: string; salt: string }> {
    const salt = randomBytes(16).toString('base64');
    return { hash: (await scrypt(secret, salt)).toString('hex'), salt };
  }

  storeScrypt(tx: Tx, id: string, h: { hash: string; salt: string }, prefix: string): void {
    void tx;
    this.db.prepare("UPDATE api_keys SET key_hash = ?, salt = ?, kdf = 'scrypt', prefix = ? WHERE id = ?").run(h.hash, h.salt, prefix, id);
    this.forget();
  }

  get(id: string): ApiKeyRecord | undefined {
    const row = this.byIdStmt.get(id);
    return row ? toRecord(row) : undefined;
  }

  list(): ApiKeyRecord[] {
    return this.db.prepare<[], ApiKeyRow>('SELECT * FROM api_keys ORDER BY created_at, id').all().map(toRecord);
  }

  revoke(tx: Tx, id: string): ApiKeyRecord | undefined {
    this.db.prepare('UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?').run(tx.now, id);
    for (const [hash, keyId] of this.verified) if (keyId === id) this.verified.delete(hash);
    this.forget();
    return this.get(id);
  }

  touch(tx: Tx, id: string): void {
    this.db.prepare('UPDATE api_keys SET last_used_at = ? WHERE id = ?').run(tx.now, id);
  }
}

const scopesOf = new Map<string, Scope[]>();

function toRecord(row: ApiKeyRow): ApiKeyRecord {
  const { key_hash: _hash, kdf: _kdf, salt: _salt, scopes, ...rest } = row;
  let parsed = scopesOf.get(scopes);
  if (!parsed) {
    parsed = JSON.parse(scopes) as Scope[];
    if (scopesOf.size < 64) scopesOf.set(scopes, parsed);
  }
  return { ...rest, scopes: [...parsed] };
}

function judge(hit: { row: ApiKeyRow; record: ApiKeyRecord }, now: number): KeyCheck {
  const { row, record } = hit;
  if (row.revoked_at !== null) return { ok: false, reason: 'revoked' };
  if (row.expires_at !== null && row.expires_at <= now) return { ok: false, reason: 'expired' };
  return { ok: true, record };
}
