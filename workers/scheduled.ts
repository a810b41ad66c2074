import { openDb } from './db/client.js';
import { logRetentionDays, pruneLogs } from './logs/service.js';

/** The cron trigger's work (wrangler.toml `[triggers]`): housekeeping that no request does. */
export async function runScheduled(env: Env): Promise<{ prunedOperations: number }> {
  const prunedOperations = await pruneLogs(openDb(env.DB), logRetentionDays(env));
  return { prunedOperations };
}
