import type { ProviderDefinition } from '../../sdk/contract/provider-definition.js';

/**
 * When to retry a proxied call and how long to wait first. Pure: the clock and the random source
 * are parameters, so every rule is unit-tested.
 */

export type RateLimitRules = NonNullable<NonNullable<ProviderDefinition['api']>['rateLimit']>;

/** Methods a retry cannot make happen twice (RFC 9110 §9.2.2). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

export const DEFAULT_IDEMPOTENT_RETRIES = 3;
export const BACKOFF_BASE_MS = 250;
export const BACKOFF_CAP_MS = 10_000;

export function isIdempotent(method: string): boolean {
  return IDEMPOTENT.has(method.toUpperCase());
}

/**
 * Retries allowed for a call: what the caller asked for, else 3 for idempotent methods and none
 * for POST/PATCH (a retry could create the thing twice unless the caller says it is safe).
 */
export function retryBudget(method: string, requested: number | undefined): number {
  if (requested !== undefined) return requested;
  return isIdempotent(method) ? DEFAULT_IDEMPOTENT_RETRIES : 0;
}

/** Whether an upstream status is worth another attempt. */
export function isRetryableStatus(
  status: number,
  rules: RateLimitRules | undefined,
  retryOn: readonly number[],
): boolean {
  if (status === 429 || (status >= 500 && status !== 501 && status !== 505)) return true;
  return retryOn.includes(status) || (rules?.retryOn ?? []).includes(status);
}

/** Reads one reset header value as an absolute time, per the provider's declared format. */
export function parseResetValue(value: string, format: RateLimitRules['resetFormat'], nowMs: number): number | null {
  const text = value.trim();
  if (!text) return null;
  if (format === 'http-date') {
    const at = Date.parse(text);
    return Number.isNaN(at) ? null : at;
  }
  const number = Number(text);
  if (!Number.isFinite(number) || number < 0) return null;
  switch (format) {
    case 'epoch-seconds':
      return number * 1000;
    case 'epoch-milliseconds':
      return number;
    case 'delta-seconds':
      return nowMs + number * 1000;
  }
}

/** `Retry-After`: seconds or an HTTP date (RFC 9110 §10.2.3), as an absolute time. */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (!value) return null;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return nowMs + Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : at;
}

export type RateLimitSignal = {
  /** Calls left in the window, when the provider says. */
  remaining: number | null;
  /** When the window resets, when the provider says. */
  resetAtMs: number | null;
  /** When the provider asked us to come back (Retry-After or its own headers). */
  retryAtMs: number | null;
};

/**
 * What an upstream response says about the connection's rate limit. Epoch-seconds reset values
 * that look like deltas (smaller than a year of seconds) are read as deltas, which several
 * providers send under the same header name.
 */
export function readRateLimitSignal(
  headers: Headers,
  rules: RateLimitRules | undefined,
  nowMs: number,
): RateLimitSignal {
  let retryAtMs = parseRetryAfter(headers.get('retry-after'), nowMs);
  for (const name of rules?.retryAfterHeaders ?? []) {
    const at = parseRetryAfter(headers.get(name), nowMs);
    if (at !== null && (retryAtMs === null || at > retryAtMs)) retryAtMs = at;
  }
  let resetAtMs: number | null = null;
  for (const name of rules?.resetHeaders ?? []) {
    const raw = headers.get(name);
    if (raw === null) continue;
    let at = parseResetValue(raw, rules?.resetFormat ?? 'epoch-seconds', nowMs);
    if (at !== null && rules?.resetFormat === 'epoch-seconds' && Number(raw) < 31_536_000)
      at = nowMs + Number(raw) * 1000;
    if (at !== null && (resetAtMs === null || at > resetAtMs)) resetAtMs = at;
  }
  const remainingRaw = rules?.remainingHeader ? headers.get(rules.remainingHeader) : null;
  const remainingNumber = remainingRaw === null ? Number.NaN : Number(remainingRaw);
  return {
    remaining: Number.isFinite(remainingNumber) ? Math.max(0, Math.floor(remainingNumber)) : null,
    resetAtMs,
    retryAtMs,
  };
}

export function hasSignal(signal: RateLimitSignal): boolean {
  return signal.remaining !== null || signal.resetAtMs !== null || signal.retryAtMs !== null;
}

/**
 * How long to wait before attempt `attempt + 1` (attempt 0 is the first call). The provider's own
 * word wins (Retry-After, then the reset time when the budget is spent); otherwise exponential
 * backoff with full jitter: a random wait in [0, min(cap, base·2^attempt)].
 */
export function retryDelayMs(input: {
  attempt: number;
  signal: RateLimitSignal;
  nowMs: number;
  random: () => number;
}): number {
  const { signal, nowMs } = input;
  if (signal.retryAtMs !== null) return Math.max(0, signal.retryAtMs - nowMs);
  if (signal.remaining === 0 && signal.resetAtMs !== null) return Math.max(0, signal.resetAtMs - nowMs);
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** input.attempt);
  return Math.floor(input.random() * ceiling);
}
