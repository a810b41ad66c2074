import { describe, expect, it } from 'vitest';
import { matchesCron, parseCron } from '../../../scripts/lib/cron.js';

describe('cron triggers of the local runtime', () => {
  const at = (iso: string) => new Date(iso);

  it('fires the hourly housekeeping at its minute, in UTC', () => {
    const hourly = parseCron('17 * * * *');
    expect(matchesCron(hourly, at('2026-11-30T05:17:00Z'))).toBe(true);
    expect(matchesCron(hourly, at('2026-11-30T05:17:59Z'))).toBe(true);
    expect(matchesCron(hourly, at('2026-11-30T05:18:00Z'))).toBe(false);
  });

  it('reads ranges, lists, steps and both day fields as standard cron does', () => {
    const every15 = parseCron('*/15 9-17 * * 1-5');
    expect(matchesCron(every15, at('2026-11-30T09:45:00Z'))).toBe(true); // a Monday
    expect(matchesCron(every15, at('2026-11-30T09:44:00Z'))).toBe(false);
    expect(matchesCron(every15, at('2026-11-29T09:45:00Z'))).toBe(false); // a Sunday
    const either = parseCron('0 0 1 * 0'); // the 1st of the month, or any Sunday
    expect(matchesCron(either, at('2026-12-01T00:00:00Z'))).toBe(true);
    expect(matchesCron(either, at('2026-11-29T00:00:00Z'))).toBe(true);
    expect(matchesCron(either, at('2026-11-30T00:00:00Z'))).toBe(false);
    expect(matchesCron(parseCron('0 12 * * 7'), at('2026-11-29T12:00:00Z'))).toBe(true);
  });

  it('refuses what it cannot read, rather than never firing', () => {
    expect(() => parseCron('17 * * *')).toThrow(/five fields/);
    expect(() => parseCron('61 * * * *')).toThrow(/out of range/);
    expect(() => parseCron('@hourly * * * *')).toThrow(/unsupported/);
  });
});
