import { describe, expect, it } from 'vitest';
import { admit, DEFAULT_429_BLOCK_MS, EMPTY_RATE_LIMIT, observe } from '../../../durable-objects/rate-limit-policy.js';

const NOW = 1_000_000;

describe('connection rate-limit budget', () => {
  it('lets calls through while nothing is known', () => {
    expect(admit(EMPTY_RATE_LIMIT, NOW)).toEqual({ ok: true, state: EMPTY_RATE_LIMIT });
  });

  it('spends a known budget one call at a time and stops at zero until the reset', () => {
    let state = observe(EMPTY_RATE_LIMIT, { status: 200, remaining: 2, resetAtMs: NOW + 5000, retryAtMs: null }, NOW);
    const a = admit(state, NOW);
    expect(a.ok).toBe(true);
    state = a.state;
    const b = admit(state, NOW);
    expect(b.ok).toBe(true);
    state = b.state;
    const c = admit(state, NOW);
    expect(c).toMatchObject({ ok: false, retryAtMs: NOW + 5000 });
    // After the reset the budget is unknown again and calls go.
    expect(admit(c.state, NOW + 5000)).toMatchObject({ ok: true, state: { remaining: null, resetAtMs: null } });
  });

  it('never gives calls back within a window: late or stale answers only lower the budget', () => {
    let state = observe(EMPTY_RATE_LIMIT, { status: 200, remaining: 3, resetAtMs: NOW + 5000, retryAtMs: null }, NOW);
    state = observe(state, { status: 200, remaining: 1, resetAtMs: NOW + 5000, retryAtMs: null }, NOW);
    // An earlier call's answer arriving last (the same window, its reset rounded differently).
    state = observe(state, { status: 200, remaining: 2, resetAtMs: NOW + 5400, retryAtMs: null }, NOW);
    expect(state.remaining).toBe(1);
    // A new window resets the budget to what the provider says.
    state = observe(state, { status: 200, remaining: 9, resetAtMs: NOW + 65_000, retryAtMs: null }, NOW + 6000);
    expect(state.remaining).toBe(9);
  });

  it('blocks after a 429 until Retry-After, the reset, or a default second', () => {
    const withRetry = observe(
      EMPTY_RATE_LIMIT,
      { status: 429, remaining: null, resetAtMs: null, retryAtMs: NOW + 3000 },
      NOW,
    );
    expect(admit(withRetry, NOW + 2999)).toMatchObject({ ok: false, retryAtMs: NOW + 3000 });
    expect(admit(withRetry, NOW + 3000).ok).toBe(true);
    const withReset = observe(
      EMPTY_RATE_LIMIT,
      { status: 429, remaining: 0, resetAtMs: NOW + 7000, retryAtMs: null },
      NOW,
    );
    expect(admit(withReset, NOW)).toMatchObject({ ok: false, retryAtMs: NOW + 7000 });
    const bare = observe(EMPTY_RATE_LIMIT, { status: 429, remaining: null, resetAtMs: null, retryAtMs: null }, NOW);
    expect(admit(bare, NOW)).toMatchObject({ ok: false, retryAtMs: NOW + DEFAULT_429_BLOCK_MS });
  });

  it('never shortens a block already in place', () => {
    const long = observe(
      EMPTY_RATE_LIMIT,
      { status: 429, remaining: null, resetAtMs: null, retryAtMs: NOW + 60_000 },
      NOW,
    );
    const short = observe(long, { status: 429, remaining: null, resetAtMs: null, retryAtMs: NOW + 1000 }, NOW);
    expect(short.blockedUntilMs).toBe(NOW + 60_000);
  });

  it('ignores reset times already past', () => {
    const state = observe(EMPTY_RATE_LIMIT, { status: 200, remaining: 0, resetAtMs: NOW - 1, retryAtMs: null }, NOW);
    expect(admit(state, NOW).ok).toBe(true);
  });
});
