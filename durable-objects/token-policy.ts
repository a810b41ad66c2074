/**
 * Pure decisions about a connection's token: when to refresh, how long to wait after failures,
 * which failures mean the user must reconnect. Every function takes `nowMs` so tests control time.
 */

export const DEFAULT_REFRESH_BUFFER_SECONDS = 15 * 60;
/** Providers revoke refresh tokens nobody uses; refresh at least this often. */
export const KEEP_ALIVE_INTERVAL_MS = 24 * 60 * 60 * 1000;
/**
 * An object holding credentials that need no refresh still wakes this often to check that its
 * connection row exists, and erases itself when it does not (the sweep for objects left behind).
 */
export const EXISTENCE_CHECK_INTERVAL_MS = 24 * 60 * 60 * 1000;
const BASE_COOLDOWN_MS = 30_000;
const MAX_COOLDOWN_MS = 60 * 60 * 1000;

export type TokenState = {
  expiresAtMs: number | null;
  hasRefreshToken: boolean;
  lastRefreshAtMs: number | null;
  failures: number;
  cooldownUntilMs: number | null;
  /** Set when the provider rejected the refresh token for good: only the user can fix it. */
  needsReauth: boolean;
};

export type RefreshDecision =
  | { action: 'use' }
  | { action: 'refresh' }
  | { action: 'fail'; reason: 'needs_reauth' | 'cooling_down' | 'expired_without_refresh_token'; retryAtMs?: number };

/**
 * The refresh buffer for this token: the configured one, but never more than half the token's
 * lifetime, so a token that lives 60 s is not "expiring" the moment it is issued (which would mean
 * a refresh on every call).
 */
export function effectiveBufferMs(state: TokenState, bufferSeconds: number): number {
  const configured = bufferSeconds * 1000;
  if (state.expiresAtMs === null || state.lastRefreshAtMs === null) return configured;
  const lifetime = state.expiresAtMs - state.lastRefreshAtMs;
  return lifetime > 0 ? Math.min(configured, Math.floor(lifetime / 2)) : configured;
}

/**
 * Whether a caller can use the stored token, must refresh first, or must fail.
 *
 * @example decideRefresh({ ...state, expiresAtMs: now + 60_000 }, now, 900) // { action: 'refresh' }
 */
export function decideRefresh(state: TokenState, nowMs: number, bufferSeconds: number, force = false): RefreshDecision {
  if (state.needsReauth) return { action: 'fail', reason: 'needs_reauth' };
  const expiring = state.expiresAtMs !== null && state.expiresAtMs - effectiveBufferMs(state, bufferSeconds) <= nowMs;
  if (!force && !expiring) return { action: 'use' };
  if (!state.hasRefreshToken) {
    if (state.expiresAtMs !== null && state.expiresAtMs <= nowMs)
      return { action: 'fail', reason: 'expired_without_refresh_token' };
    return { action: 'use' };
  }
  if (state.cooldownUntilMs !== null && state.cooldownUntilMs > nowMs) {
    // Inside the cooldown a still-valid token is better than a storm of refreshes.
    if (!force && state.expiresAtMs !== null && state.expiresAtMs > nowMs) return { action: 'use' };
    return { action: 'fail', reason: 'cooling_down', retryAtMs: state.cooldownUntilMs };
  }
  return { action: 'refresh' };
}

/** Exponential cooldown after consecutive failures: 30 s, 60 s, 120 s, … capped at 1 h. */
export function cooldownAfterFailure(failures: number, nowMs: number): number {
  return nowMs + Math.min(BASE_COOLDOWN_MS * 2 ** Math.max(0, failures - 1), MAX_COOLDOWN_MS);
}

/**
 * When the object's alarm should next refresh proactively: `buffer` before expiry, or the keep-alive
 * interval after the last refresh for tokens that never expire but could be revoked unused.
 */
export function nextRefreshAtMs(state: TokenState, nowMs: number, bufferSeconds: number): number | null {
  if (state.needsReauth || !state.hasRefreshToken) return null;
  const keepAlive = (state.lastRefreshAtMs ?? nowMs) + KEEP_ALIVE_INTERVAL_MS;
  const beforeExpiry =
    state.expiresAtMs === null ? keepAlive : state.expiresAtMs - effectiveBufferMs(state, bufferSeconds);
  const at = Math.min(beforeExpiry, keepAlive);
  if (state.cooldownUntilMs !== null && state.cooldownUntilMs > at) return state.cooldownUntilMs;
  return Math.max(at, nowMs);
}

/** OAuth errors that no retry can fix (RFC 6749 §5.2). */
const PERMANENT_OAUTH_ERRORS = new Set([
  'invalid_grant',
  'invalid_client',
  'unauthorized_client',
  'unsupported_grant_type',
]);

export type RefreshFailureKind = 'permanent' | 'transient';

/** Classifies a failed refresh: a rejected grant needs the user; network errors and 5xx/429 may pass. */
export function classifyRefreshFailure(failure: { status?: number; oauthError?: string }): RefreshFailureKind {
  if (failure.oauthError && PERMANENT_OAUTH_ERRORS.has(failure.oauthError)) return 'permanent';
  if (failure.status === 401 || failure.status === 403) return 'permanent';
  return 'transient';
}
