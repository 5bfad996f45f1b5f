// Who is signed in — a browser session on the station, or the desktop
// bridge — its identity and scopes, and why the operator is looking at the
// sign-in screen if they are. The browser keeps no key: signing in (with
// the one-time link or a key) makes the station set an HttpOnly session
// cookie, and the page holds only the session's CSRF token, in memory.
import { create } from 'zustand';
import type { OutputOf } from '../../contract';
import { hasAccess, type Access } from '../../contract/operation';
import { ApiError, NETWORK_ERROR } from '../api/api-error';
import { hasBridge, invoke, setUnauthorizedListener } from '../api/client';
import { forgetLegacyKey, setCsrfToken } from '../api/session-token';

export type Identity = OutputOf<'auth.whoami'>;

/** Why sign-in is shown; the screen turns it into words. */
export type SignInProblem =
  | { kind: 'invalid-key' | 'forbidden' | 'network' | 'expired' | 'revoked' | 'token-used' | 'signed-out' }
  | { kind: 'rate-limited'; retryAfterS?: number | undefined }
  | { kind: 'other'; error: unknown };

type Status = 'booting' | 'signed-out' | 'checking' | 'signed-in';

interface SessionState {
  status: Status;
  identity: Identity | null;
  problem: SignInProblem | null;
  signingOut: boolean;
  /** Signing out did not reach the station: the session is still open there, so the console stays signed in. */
  signOutError: unknown;
  /** Runs once at start (`force` to retry after a network failure). */
  boot(force?: boolean): Promise<void>;
  signInWithKey(key: string): Promise<boolean>;
  signOut(): Promise<void>;
  can(access: Access): boolean;
}

/** A 401 that ends a session, in the words the sign-in screen uses. */
export function endedProblem(err: ApiError): SignInProblem {
  return { kind: err.reason === 'session_revoked' ? 'revoked' : 'expired' };
}

function problemOf(err: unknown, flow: 'key' | 'token'): SignInProblem {
  if (err instanceof ApiError) {
    if (err.code === NETWORK_ERROR) return { kind: 'network' };
    if (err.status === 401) return { kind: flow === 'token' ? 'token-used' : 'invalid-key' };
    if (err.status === 403) return { kind: 'forbidden' };
    if (err.status === 429) return { kind: 'rate-limited', retryAfterS: err.retryAfterS };
  }
  return { kind: 'other', error: err };
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

// React may mount twice in development; a sign-in token must be spent once.
let booted = false;

export const useSession = create<SessionState>()((set, get) => {
  /** A session was opened: learn who it is (and its token) from the station. */
  async function enter(csrf: string): Promise<void> {
    setCsrfToken(csrf);
    const identity = await invoke('auth.whoami', {}, { expectUnauthorized: true });
    setCsrfToken(identity.csrf_token ?? csrf);
    set({ status: 'signed-in', identity, problem: null, signOutError: null });
  }

  function leave(problem: SignInProblem | null): void {
    setCsrfToken(null);
    set({ status: 'signed-out', identity: null, problem, signingOut: false, signOutError: null });
  }

  return {
    status: 'booting',
    identity: null,
    problem: null,
    signingOut: false,
    signOutError: null,

    async boot(force = false) {
      if (booted && !force) return;
      booted = true;
      forgetLegacyKey();
      if (hasBridge()) {
        // Inside the desktop app the bridge is the credential.
        try {
          set({ status: 'signed-in', identity: await invoke('auth.whoami', {}), problem: null });
        } catch (err) {
          leave(problemOf(err, 'key'));
        }
        return;
      }
      const token = takeTokenFromUrl();
      if (token) {
        set({ status: 'checking', problem: null });
        try {
          const opened = await invoke('auth.signIn', { token }, { expectUnauthorized: true });
          await enter(opened.csrf_token);
        } catch (err) {
          leave(problemOf(err, 'token'));
        }
        return;
      }
      // A reload: the cookie, if the browser still has one, says whether a session is open.
      if (force) set({ status: 'checking', problem: null });
      try {
        const identity = await invoke('auth.whoami', {}, { expectUnauthorized: true });
        setCsrfToken(identity.csrf_token);
        set({ status: 'signed-in', identity, problem: null });
      } catch (err) {
        if (!(err instanceof ApiError) || err.status !== 401) return leave(problemOf(err, 'key'));
        // No session at all is the ordinary first visit; an ended one is worth saying.
        leave(err.reason === 'session_expired' || err.reason === 'session_revoked' ? endedProblem(err) : null);
      }
    },

    async signInWithKey(key) {
      set({ status: 'checking', problem: null });
      try {
        const opened = await invoke('auth.session.create', { key: key.trim() }, { expectUnauthorized: true });
        await enter(opened.csrf_token);
        return true;
      } catch (err) {
        leave(problemOf(err, 'key'));
        return false;
      }
    },

    async signOut() {
      if (hasBridge() || get().signingOut) return;
      set({ signingOut: true, signOutError: null });
      try {
        // Ends the session on the station: the cookie stops working everywhere at once.
        await invoke('auth.session.delete', {}, { expectUnauthorized: true });
      } catch (err) {
        // Already ended (401): signed out all the same. Anything else: it is still open.
        if (!(err instanceof ApiError) || err.status !== 401) {
          set({ signingOut: false, signOutError: err });
          return;
        }
      }
      leave({ kind: 'signed-out' });
    },

    can(access) {
      const id = get().identity;
      return id !== null && hasAccess(id.scopes, access);
    },
  };
});

// A 401 after sign-in: the session was ended or expired — back to sign-in, saying why.
setUnauthorizedListener((err) => {
  if (useSession.getState().status !== 'signed-in' || hasBridge()) return;
  setCsrfToken(null);
  useSession.setState({ status: 'signed-out', identity: null, problem: endedProblem(err), signingOut: false, signOutError: null });
});
