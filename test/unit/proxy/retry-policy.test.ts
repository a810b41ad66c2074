import { describe, expect, it } from 'vitest';
import {
  BACKOFF_CAP_MS,
  isRetryableStatus,
  parseResetValue,
  parseRetryAfter,
  readRateLimitSignal,
  retryBudget,
  retryDelayMs,
} from '../../../workers/proxy/retry-policy.js';

const NOW = Date.parse('2026-11-27T12:00:00Z');
const rules = {
  remainingHeader: 'x-ratelimit-remaining',
  resetHeaders: ['x-ratelimit-reset'],
  resetFormat: 'epoch-seconds' as const,
  retryAfterHeaders: ['x-retry-in'],
  retryOn: [409],
};

describe('retry policy', () => {
  it('retries idempotent methods 3 times by default and POST/PATCH only when asked', () => {
    expect(retryBudget('GET', undefined)).toBe(3);
    expect(retryBudget('DELETE', undefined)).toBe(3);
    expect(retryBudget('POST', undefined)).toBe(0);
    expect(retryBudget('PATCH', undefined)).toBe(0);
    expect(retryBudget('POST', 2)).toBe(2);
    expect(retryBudget('GET', 0)).toBe(0);
  });

  it('retries 429 and 5xx (not 501/505), plus provider and caller codes', () => {
    expect(isRetryableStatus(429, undefined, [])).toBe(true);
    expect(isRetryableStatus(503, undefined, [])).toBe(true);
    expect(isRetryableStatus(501, undefined, [])).toBe(false);
    expect(isRetryableStatus(404, undefined, [])).toBe(false);
    expect(isRetryableStatus(409, rules, [])).toBe(true);
    expect(isRetryableStatus(418, undefined, [418])).toBe(true);
    expect(isRetryableStatus(401, undefined, [])).toBe(false);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('3', NOW)).toBe(NOW + 3000);
    expect(parseRetryAfter('Fri, 27 Nov 2026 12:00:10 GMT', NOW)).toBe(NOW + 10_000);
    expect(parseRetryAfter('soon', NOW)).toBeNull();
    expect(parseRetryAfter(null, NOW)).toBeNull();
  });

  it('reads reset headers in each declared format', () => {
    expect(parseResetValue(String(NOW / 1000 + 30), 'epoch-seconds', NOW)).toBe(NOW + 30_000);
    expect(parseResetValue(String(NOW + 500), 'epoch-milliseconds', NOW)).toBe(NOW + 500);
    expect(parseResetValue('12', 'delta-seconds', NOW)).toBe(NOW + 12_000);
    expect(parseResetValue('Fri, 27 Nov 2026 12:01:00 GMT', 'http-date', NOW)).toBe(NOW + 60_000);
    expect(parseResetValue('-1', 'epoch-seconds', NOW)).toBeNull();
  });

  it('learns remaining, reset and retry-at from a response, reading small epoch values as deltas', () => {
    const signal = readRateLimitSignal(
      new Headers({ 'x-ratelimit-remaining': '7', 'x-ratelimit-reset': String(NOW / 1000 + 60), 'retry-after': '2' }),
      rules,
      NOW,
    );
    expect(signal).toEqual({ remaining: 7, resetAtMs: NOW + 60_000, retryAtMs: NOW + 2000 });
    const delta = readRateLimitSignal(new Headers({ 'x-ratelimit-reset': '45' }), rules, NOW);
    expect(delta.resetAtMs).toBe(NOW + 45_000);
    // The provider's own retry header wins when it asks for longer.
    const own = readRateLimitSignal(new Headers({ 'retry-after': '1', 'x-retry-in': '9' }), rules, NOW);
    expect(own.retryAtMs).toBe(NOW + 9000);
    expect(readRateLimitSignal(new Headers(), undefined, NOW)).toEqual({
      remaining: null,
      resetAtMs: null,
      retryAtMs: null,
    });
  });

  it('waits what the provider says, else exponential backoff with full jitter under a cap', () => {
    const none = { remaining: null, resetAtMs: null, retryAtMs: null };
    expect(
      retryDelayMs({ attempt: 0, signal: { ...none, retryAtMs: NOW + 1500 }, nowMs: NOW, random: () => 0.5 }),
    ).toBe(1500);
    expect(
      retryDelayMs({
        attempt: 0,
        signal: { remaining: 0, resetAtMs: NOW + 4000, retryAtMs: null },
        nowMs: NOW,
        random: () => 0,
      }),
    ).toBe(4000);
    expect(retryDelayMs({ attempt: 0, signal: none, nowMs: NOW, random: () => 0.999 })).toBeLessThan(250);
    expect(retryDelayMs({ attempt: 3, signal: none, nowMs: NOW, random: () => 0.999 })).toBeLessThan(2000);
    expect(retryDelayMs({ attempt: 3, signal: none, nowMs: NOW, random: () => 0.999 })).toBeGreaterThan(1900);
    expect(retryDelayMs({ attempt: 30, signal: none, nowMs: NOW, random: () => 0.999 })).toBeLessThanOrEqual(
      BACKOFF_CAP_MS,
    );
    expect(retryDelayMs({ attempt: 2, signal: none, nowMs: NOW, random: () => 0 })).toBe(0);
  });
});
