/**
 * A connection's rate-limit budget, as learned from the provider: calls left in the window, when the
 * window resets, and a hard stop after a 429. Pure functions over a small state; the
 * ConnectionObject stores the state and is the one place every caller of the connection (proxy
 * requests, sync runs) asks before calling the provider.
 */

export type RateLimitState = {
  /** Calls left in the current window, or null when the provider never said. */
  remaining: number | null;
  /** When the current window resets, when known. */
  resetAtMs: number | null;
  /** No calls before this time (set by a 429 or an explicit retry-after). */
  blockedUntilMs: number | null;
};

export const EMPTY_RATE_LIMIT: RateLimitState = { remaining: null, resetAtMs: null, blockedUntilMs: null };

/** A 429 without any hint of when to come back blocks the connection this long. */
export const DEFAULT_429_BLOCK_MS = 1000;

export type Admission = { ok: true; state: RateLimitState } | { ok: false; retryAtMs: number; state: RateLimitState };

/**
 * May a call go out now? When the budget is known it is spent one call at a time here, so that
 * concurrent callers cannot all spend the last call.
 */
export function admit(state: RateLimitState, nowMs: number): Admission {
  let next = state;
  if (next.blockedUntilMs !== null && next.blockedUntilMs <= nowMs) next = { ...next, blockedUntilMs: null };
  if (next.resetAtMs !== null && next.resetAtMs <= nowMs) next = { ...next, remaining: null, resetAtMs: null };
  if (next.blockedUntilMs !== null) return { ok: false, retryAtMs: next.blockedUntilMs, state: next };
  if (next.remaining !== null && next.remaining <= 0 && next.resetAtMs !== null)
    return { ok: false, retryAtMs: next.resetAtMs, state: next };
  if (next.remaining !== null && next.remaining > 0) next = { ...next, remaining: next.remaining - 1 };
  return { ok: true, state: next };
}

/** Reset times of one window as providers report them (in whole seconds) differ by less than this. */
const SAME_WINDOW_MS = 1_000;

/** Folds what one upstream response said into the state. */
export function observe(
  state: RateLimitState,
  signal: { status: number; remaining: number | null; resetAtMs: number | null; retryAtMs: number | null },
  nowMs: number,
): RateLimitState {
  const next = { ...state };
  if (signal.remaining !== null) {
    // Within one window the budget only shrinks: an answer that arrives late (or was counted before
    // calls the object has since let out) must not give calls back. A new window starts afresh.
    const sameWindow =
      state.remaining !== null &&
      state.resetAtMs !== null &&
      signal.resetAtMs !== null &&
      Math.abs(signal.resetAtMs - state.resetAtMs) < SAME_WINDOW_MS;
    next.remaining = sameWindow ? Math.min(state.remaining as number, signal.remaining) : signal.remaining;
  }
  if (signal.resetAtMs !== null && signal.resetAtMs > nowMs) next.resetAtMs = signal.resetAtMs;
  if (signal.status === 429) {
    const until =
      signal.retryAtMs ??
      (signal.resetAtMs && signal.resetAtMs > nowMs ? signal.resetAtMs : nowMs + DEFAULT_429_BLOCK_MS);
    next.blockedUntilMs = Math.max(next.blockedUntilMs ?? 0, until);
  } else if (signal.retryAtMs !== null && signal.remaining === 0) {
    next.blockedUntilMs = Math.max(next.blockedUntilMs ?? 0, signal.retryAtMs);
  }
  return next;
}
