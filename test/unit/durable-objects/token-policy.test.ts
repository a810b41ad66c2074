import { describe, expect, it } from 'vitest';
import {
  classifyRefreshFailure,
  cooldownAfterFailure,
  decideRefresh,
  effectiveBufferMs,
  KEEP_ALIVE_INTERVAL_MS,
  nextRefreshAtMs,
  type TokenState,
} from '../../../durable-objects/token-policy.js';

const now = 1_700_000_000_000;
const base: TokenState = {
  expiresAtMs: now + 3_600_000,
  hasRefreshToken: true,
  lastRefreshAtMs: now,
  failures: 0,
  cooldownUntilMs: null,
  needsReauth: false,
};

describe('token policy', () => {
  it('uses a token outside the buffer and refreshes inside it', () => {
    expect(decideRefresh(base, now, 900)).toEqual({ action: 'use' });
    expect(decideRefresh({ ...base, lastRefreshAtMs: now - 2_700_000, expiresAtMs: now + 899_000 }, now, 900)).toEqual({
      action: 'refresh',
    });
    expect(decideRefresh({ ...base, expiresAtMs: now - 1 }, now, 900)).toEqual({ action: 'refresh' });
    expect(decideRefresh(base, now, 900, true)).toEqual({ action: 'refresh' });
  });

  it('caps the buffer at half the token lifetime, so short-lived tokens are not refreshed on every call', () => {
    const short = { ...base, lastRefreshAtMs: now, expiresAtMs: now + 60_000 };
    expect(effectiveBufferMs(short, 900)).toBe(30_000);
    expect(decideRefresh(short, now + 1000, 900)).toEqual({ action: 'use' });
    expect(decideRefresh(short, now + 30_000, 900)).toEqual({ action: 'refresh' });
    expect(nextRefreshAtMs(short, now, 900)).toBe(now + 30_000);
    // An imported token that was already expired: the full buffer applies.
    expect(effectiveBufferMs({ ...base, lastRefreshAtMs: now, expiresAtMs: now - 1 }, 900)).toBe(900_000);
  });

  it('never refreshes a token that cannot be refreshed', () => {
    expect(decideRefresh({ ...base, hasRefreshToken: false, expiresAtMs: now + 1000 }, now, 900)).toEqual({
      action: 'use',
    });
    expect(decideRefresh({ ...base, hasRefreshToken: false, expiresAtMs: now - 1 }, now, 900)).toEqual({
      action: 'fail',
      reason: 'expired_without_refresh_token',
    });
    expect(decideRefresh({ ...base, hasRefreshToken: false, expiresAtMs: null }, now, 900)).toEqual({ action: 'use' });
  });

  it('fails fast when re-authorisation is needed, whatever the expiry', () => {
    expect(decideRefresh({ ...base, needsReauth: true }, now, 900)).toEqual({ action: 'fail', reason: 'needs_reauth' });
  });

  it('during a cooldown keeps using a still-valid token, and fails an expired one with the retry time', () => {
    const cooling = { ...base, expiresAtMs: now + 60_000, cooldownUntilMs: now + 30_000, failures: 1 };
    expect(decideRefresh(cooling, now, 900)).toEqual({ action: 'use' });
    expect(decideRefresh({ ...cooling, expiresAtMs: now - 1 }, now, 900)).toEqual({
      action: 'fail',
      reason: 'cooling_down',
      retryAtMs: now + 30_000,
    });
    expect(decideRefresh({ ...cooling, expiresAtMs: now - 1 }, now + 30_000, 900)).toEqual({ action: 'refresh' });
  });

  it('backs off exponentially, capped at an hour', () => {
    expect(cooldownAfterFailure(1, now) - now).toBe(30_000);
    expect(cooldownAfterFailure(2, now) - now).toBe(60_000);
    expect(cooldownAfterFailure(4, now) - now).toBe(240_000);
    expect(cooldownAfterFailure(30, now) - now).toBe(3_600_000);
  });

  it('schedules proactive refresh before expiry, and a keep-alive for long-lived tokens', () => {
    expect(nextRefreshAtMs(base, now, 900)).toBe(now + 3_600_000 - 900_000);
    expect(nextRefreshAtMs({ ...base, expiresAtMs: null }, now, 900)).toBe(now + KEEP_ALIVE_INTERVAL_MS);
    expect(nextRefreshAtMs({ ...base, hasRefreshToken: false }, now, 900)).toBeNull();
    expect(nextRefreshAtMs({ ...base, needsReauth: true }, now, 900)).toBeNull();
    const old = { ...base, lastRefreshAtMs: now - 3_600_000 };
    expect(nextRefreshAtMs({ ...old, expiresAtMs: now + 1000 }, now, 900)).toBe(now);
    expect(nextRefreshAtMs({ ...old, expiresAtMs: now + 1000, cooldownUntilMs: now + 30_000 }, now, 900)).toBe(
      now + 30_000,
    );
  });

  it('treats rejected grants as permanent and server trouble as transient', () => {
    expect(classifyRefreshFailure({ status: 400, oauthError: 'invalid_grant' })).toBe('permanent');
    expect(classifyRefreshFailure({ status: 401 })).toBe('permanent');
    expect(classifyRefreshFailure({ status: 503 })).toBe('transient');
    expect(classifyRefreshFailure({ status: 429 })).toBe('transient');
    expect(classifyRefreshFailure({})).toBe('transient');
  });
});
