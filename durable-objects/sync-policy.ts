/**
 * The arithmetic of sync schedules, pure so it is unit-tested: frequencies as people write them,
 * when a sync runs next, and when a failing one stops.
 */

export const MIN_FREQUENCY_MS = 30_000;
export const MAX_FREQUENCY_MS = 31 * 24 * 3_600_000;
/** Consecutive failed runs after which a sync stops (status `ERROR`) until it is started or triggered. */
export const MAX_CONSECUTIVE_FAILURES = 5;
/** Slices one run may take (each bounded by the slice time limit) before it counts as failed. */
export const MAX_SLICES_PER_RUN = 50;

const UNITS: Record<string, number> = {
  s: 1_000,
  sec: 1_000,
  secs: 1_000,
  second: 1_000,
  seconds: 1_000,
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  w: 604_800_000,
  week: 604_800_000,
  weeks: 604_800_000,
};

/**
 * `'every hour'`, `'every 30 minutes'`, `'every 2h'`, `'30m'`, `'1 day'` → milliseconds; undefined
 * when unreadable or outside 30 s – 31 days.
 *
 * @example parseFrequency('every 30 minutes') // 1_800_000
 */
export function parseFrequency(text: string): number | undefined {
  const match = /^\s*(?:every\s+)?(?:(\d+(?:\.\d+)?)\s*)?([a-z]+)\s*$/i.exec(text);
  if (!match) return undefined;
  const unit = UNITS[(match[2] ?? '').toLowerCase()];
  if (!unit) return undefined;
  const ms = Math.round((match[1] === undefined ? 1 : Number(match[1])) * unit);
  return ms >= MIN_FREQUENCY_MS && ms <= MAX_FREQUENCY_MS ? ms : undefined;
}

/** When to try again after `failures` consecutive failures: 30 s doubling, never later than the next regular run. */
export function retryDelayMs(failures: number, frequencyMs: number): number {
  return Math.min(frequencyMs, 30_000 * 2 ** Math.max(0, failures - 1));
}
