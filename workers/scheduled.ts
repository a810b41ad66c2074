import { readConfig } from './config.js';
import { sweepTeardowns } from './connections/teardown.js';
import { openDb } from './db/client.js';
import { logRetentionDays, pruneLogs } from './logs/service.js';

/** The cron trigger's work (wrangler.toml `[triggers]`): housekeeping that no request does. */
export async function runScheduled(env: Env): Promise<{ prunedOperations: number; sweptTeardowns: number }> {
  const db = openDb(env.DB);
  const prunedOperations = await pruneLogs(db, logRetentionDays(env));
  const sweptTeardowns = await sweepTeardowns({ db, config: readConfig(env), env });
  return { prunedOperations, sweptTeardowns };
}
