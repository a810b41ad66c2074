import { enqueueDeliveries } from './outbox.js';

/** Pending deliveries this long past due without an attempt are taken to have lost their message. */
export const SWEEP_GRACE_MS = 10_000;

/**
 * Re-sends due deliveries whose queue message is gone (a restart of the local runtime empties its
 * queues; a send may have failed). Runs every minute from the cron trigger and once when `npm start`
 * starts. Sending one twice is harmless: the lease lets one attempt through.
 */
export async function sweepDeliveries(env: Env, now = Date.now(), graceMs = SWEEP_GRACE_MS): Promise<number[]> {
  const { results } = await env.DB.prepare(
    `SELECT id FROM webhook_deliveries
     WHERE status = 'pending' AND next_attempt_at_ms < ?1 AND (lease_until_ms IS NULL OR lease_until_ms < ?2)
       AND NOT EXISTS (SELECT 1 FROM webhook_endpoints p WHERE p.url = webhook_deliveries.url AND p.open_until_ms > ?2)
     ORDER BY next_attempt_at_ms LIMIT 5000`,
  )
    .bind(now - graceMs, now)
    .all<{ id: number }>();
  const ids = results.map((r) => r.id);
  await enqueueDeliveries(env, ids);
  return ids;
}
