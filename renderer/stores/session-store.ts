// Who is signed in: the key (web) or the desktop bridge, its identity and
// scopes, and why the operator is looking at the sign-in screen if they are.
import { create } from 'zustand';
import type { OutputOf } from '../../contract';
import { hasAccess, type Access } from '../../contract/operation';
import { ApiError, NETWORK_ERROR } from '../api/api-error';
import { hasBridge, invoke, setUnauthorizedListener } from '../api/client';
import { clearKey, loadKey, saveKey } from '../api/credentials';

export type Identity = OutputOf<'auth.whoami'>;

/** Why sign-in is shown; the screen turns it into words. */
export type SignInProblem =
  | { kind: 'invalid-key' | 'forbidden' | 'network' | 'expired' | 'token-used' | 'signed-out' }
  | { kind: 'other'; message: string };

type Status = 'booting' | 'signed-out' | 'checking' | 'signed-in';

interface SessionState {
  status: Status;
  identity: Identity | null;
  problem: SignInProblem | null;
  /** Runs once at start (`force` to retry after a network failure). */
  boot(force?: boolean): Promise<void>;
  signInWithKey(key: string): Promise<boolean>;
  signOut(): void;
  can(access: Access): boolean;
}

function problemOf(err: unknown, tokenFlow = false): SignInProblem {
  if (err instanceof ApiError) {
    if (err.code === NETWORK_ERROR) return { kind: 'network' };
    if (err.status === 401) return { kind: tokenFlow ? 'token-used' : 'invalid-key' };
    if (err.status === 403) return { kind: 'forbidden' };
    return { kind: 'other', message: err.message };
  }
  return { kind: 'other', message: err instanceof Error ? err.message : String(err) };
}

/** Removes `?token=` from the address bar so it is not bookmarked, shared or retried after use. */
function takeTokenFromUrl(): string | null {
  const url = new URL(window.location.href);
  const token = url.searchParams.get('token');
  if (token === null) return null;
  url.searchParams.delete('token');
  window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
  return token;
}

export const useSession = create<SessionState>()((set, get) => ({
  status: 'booting',
  identity: null,
  problem: null,

  async boot(force = false) {
    // React may mount twice in development; a sign-in token must be spent once.
    if (get().status !== 'booting' && !force) return;
    if (hasBridge()) {
      // Inside the desktop app the bridge is the credential.
      set({ status: 'checking' });
      try {
        set({ status: 'signed-in', identity: await invoke('auth.whoami', {}), problem: null });
      } catch (err) {
        set({ status: 'signed-out', problem: problemOf(err) });
      }
      return;
    }
    const token = takeTokenFromUrl();
    if (token) {
      set({ status: 'checking', problem: null });
      try {
        const { key } = await invoke('auth.signIn', { token }, { key: null });
        await get().signInWithKey(key);
      } catch (err) {
        set({ status: 'signed-out', problem: problemOf(err, true) });
      }
      return;
    }
    const stored = loadKey();
    if (!stored) {
      set({ status: 'signed-out' });
      return;
    }
    set({ status: 'checking' });
    try {
      set({ status: 'signed-in', identity: await invoke('auth.whoami', {}, { key: stored }), problem: null });
    } catch (err) {
      const problem = problemOf(err);
      // A station that is down for a moment should not cost the operator their key.
      if (problem.kind !== 'network') clearKey();
      set({ status: 'signed-out', identity: null, problem: problem.kind === 'invalid-key' ? { kind: 'expired' } : problem });
    }
  },

  async signInWithKey(key) {
    const trimmed = key.trim();
    set({ status: 'checking', problem: null });
    try {
      const identity = await invoke('auth.whoami', {}, { key: trimmed });
      saveKey(trimmed);
      set({ status: 'signed-in', identity, problem: null });
      return true;
    } catch (err) {
      set({ status: 'signed-out', identity: null, problem: problemOf(err) });
      return false;
    }
  },

  signOut() {
    clearKey();
    set({ status: 'signed-out', identity: null, problem: { kind: 'signed-out' } });
  },

  can(access) {
    const id = get().identity;
    return id !== null && hasAccess(id.scopes, access);
  },
}));

// A 401 on the stored key after sign-in: revoked or expired — back to sign-in, saying why.
setUnauthorizedListener(() => {
  if (useSession.getState().status !== 'signed-in') return;
  clearKey();
  useSession.setState({ status: 'signed-out', identity: null, problem: { kind: 'expired' } });
});
