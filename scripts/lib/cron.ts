/**
 * The five-field cron expressions of `[triggers] crons` (minute hour day-of-month month day-of-week),
 * in UTC as Cloudflare runs them: `*`, numbers, ranges `a-b`, lists `a,b` and steps `*\/n`, `a-b/n`.
 */
export type CronFields = [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>] & {
  /** Both day fields restricted: either may match (standard cron). */
  eitherDay?: boolean;
};

const RANGES: [number, number][] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 6],
];

function parseField(text: string, [min, max]: [number, number], isDayOfWeek: boolean): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!match) throw new Error(`unsupported cron field "${text}"`);
    const from = match[1] === '*' ? min : Number(match[2]);
    const to = match[1] === '*' ? max : match[3] !== undefined ? Number(match[3]) : match[4] ? max : from;
    const step = match[4] ? Number(match[4]) : 1;
    const top = isDayOfWeek && to === 7 ? 7 : to;
    if (from < min || top > (isDayOfWeek ? 7 : max) || from > top || step < 1)
      throw new Error(`cron field "${text}" is out of range`);
    for (let v = from; v <= top; v += step) out.add(isDayOfWeek && v === 7 ? 0 : v);
  }
  return out;
}

/** @example parseCron('17 * * * *') */
export function parseCron(expression: string): CronFields {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) throw new Error(`cron "${expression}" needs five fields`);
  const fields = parts.map((p, i) => parseField(p, RANGES[i] as [number, number], i === 4)) as CronFields;
  fields.eitherDay = parts[2] !== '*' && parts[4] !== '*';
  return fields;
}

/** Whether the cron fires in the minute of `at` (UTC). */
export function matchesCron(fields: CronFields, at: Date): boolean {
  const [minute, hour, day, month, weekday] = fields;
  const dayOfMonth = day.has(at.getUTCDate());
  const dayOfWeek = weekday.has(at.getUTCDay());
  return (
    minute.has(at.getUTCMinutes()) &&
    hour.has(at.getUTCHours()) &&
    month.has(at.getUTCMonth() + 1) &&
    (fields.eitherDay ? dayOfMonth || dayOfWeek : dayOfMonth && dayOfWeek)
  );
}
