import { readConfig } from './config.js';
import { sweepTeardowns } from './connections/teardown.js';
import { openDb } from './db/client.js';
import { logRetentionDays, pruneLogs } from './logs/service.js';
import { sweepDeliveries } from './webhooks/delivery-sweep.js';
import { pruneWebhookHistory } from './webhooks/history.js';
import { sweepIncomingWebhooks } from './webhooks/incoming-process.js';
import { repairMissedAuthEvents } from './webhooks/repair.js';

/** The every-minute cron of wrangler.toml: webhook work (out and in) whose queue message was lost. */
export const MINUTE_CRON = '* * * * *';

/**
 * The cron triggers' work (wrangler.toml `[triggers]`): every minute, re-sending due webhook
 * deliveries; every hour, housekeeping that no request does.
 */
export async function runScheduled(
  env: Env,
  cron: string,
): Promise<{
  sweptDeliveries: number;
  prunedOperations?: number;
  sweptTeardowns?: number;
  repairedAuthEvents?: number;
}> {
  const sweptDeliveries = (await sweepDeliveries(env)).length;
  await sweepIncomingWebhooks(env);
  if (cron === MINUTE_CRON) return { sweptDeliveries };
  const db = openDb(env.DB);
  const prunedOperations = await pruneLogs(db, logRetentionDays(env));
  await pruneWebhookHistory(env, logRetentionDays(env));
  const sweptTeardowns = await sweepTeardowns({ db, config: readConfig(env), env });
  const repairedAuthEvents = await repairMissedAuthEvents(env);
  return { sweptDeliveries, prunedOperations, sweptTeardowns, repairedAuthEvents };
}
