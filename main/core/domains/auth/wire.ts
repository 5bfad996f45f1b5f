import { toIso } from '../../../../contract/timestamp';
import type { ApiKeyRecord } from './keys-repo';
import type { SessionRecord } from './sessions-repo';

const isoOrNull = (ms: number | null): string | null => (ms === null ? null : toIso(ms));

export function keyToWire(k: ApiKeyRecord) {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes,
    rate_limit_per_minute: k.rate_limit_per_minute,
    created_at: toIso(k.created_at),
    expires_at: isoOrNull(k.expires_at),
    last_used_at: isoOrNull(k.last_used_at),
    revoked_at: isoOrNull(k.revoked_at),
  };
}

export function sessionToWire(s: SessionRecord) {
  return {
    id: s.id,
    name: s.name,
    key_id: s.key_id,
    scopes: s.scopes,
    created_at: toIso(s.created_at),
    expires_at: toIso(s.expires_at),
    last_seen_at: isoOrNull(s.last_seen_at),
    revoked_at: isoOrNull(s.revoked_at),
    user_agent: s.user_agent,
  };
}

export function sessionOpened(s: SessionRecord) {
  return { session_id: s.id, name: s.name, scopes: s.scopes, csrf_token: s.csrf_token, expires_at: toIso(s.expires_at) };
}
