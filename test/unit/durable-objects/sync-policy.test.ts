import { describe, expect, it } from 'vitest';
import { parseFrequency, retryDelayMs } from '../../../durable-objects/sync-policy.js';

describe('sync schedule policy', () => {
  it('reads frequencies as scripts write them', () => {
    expect(parseFrequency('every hour')).toBe(3_600_000);
    expect(parseFrequency('every 30 minutes')).toBe(1_800_000);
    expect(parseFrequency('every 2h')).toBe(7_200_000);
    expect(parseFrequency('30m')).toBe(1_800_000);
    expect(parseFrequency('every day')).toBe(86_400_000);
    expect(parseFrequency('1 week')).toBe(604_800_000);
    expect(parseFrequency('every 30 seconds')).toBe(30_000);
  });

  it('refuses what it cannot read and what is outside 30 s – 31 days', () => {
    for (const text of ['', 'sometimes', 'every 10 seconds', '5s', 'every 40 days', 'every -1 hours', '1 fortnight'])
      expect(parseFrequency(text), text).toBeUndefined();
  });

  it('backs off 30 s doubling, never later than the regular run', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 3_600_000))).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(retryDelayMs(10, 300_000)).toBe(300_000);
  });
});
