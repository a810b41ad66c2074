/** The delivery history of an environment (`GET /webhooks/deliveries`) and replay of deliveries. */
import { and, desc, eq, gte, inArray, lt, lte, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import type {
  listWebhookDeliveriesQuerySchema,
  replayWebhookDeliveriesBodySchema,
  WebhookDelivery,
} from '../../sdk/contract/webhooks.js';
import type { Db } from '../db/client.js';
import { type WebhookDeliveryRow, webhookDeliveries } from '../db/schema.js';
import { enqueueDeliveries } from './outbox.js';

export function formatDelivery(row: WebhookDeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    event_id: row.eventUid,
    type: row.eventType,
    connection_id: row.connectionId,
    provider_config_key: row.integrationKey,
    destination: row.destination as WebhookDelivery['destination'],
    url: row.url,
    status: row.status as WebhookDelivery['status'],
    attempts: row.attempts,
    next_attempt_at: row.status === 'pending' ? new Date(row.nextAttemptAtMs).toISOString() : null,
    last_status: row.lastStatus,
    last_error: row.lastError,
    last_duration_ms: row.lastDurationMs,
    last_attempt_at: row.lastAttemptAt,
    delivered_at: row.deliveredAt,
    created_at: row.createdAt,
  };
}

/** Newest first; `next_cursor` is the id to continue below. */
export async function listDeliveries(
  db: Db,
  environmentId: number,
  query: z.output<typeof listWebhookDeliveriesQuerySchema>,
): Promise<{ data: WebhookDelivery[]; next_cursor: string | null }> {
  const where: SQL[] = [eq(webhookDeliveries.environmentId, environmentId)];
  if (query.status) where.push(eq(webhookDeliveries.status, query.status));
  if (query.connection_id) where.push(eq(webhookDeliveries.connectionId, query.connection_id));
  if (query.event_id) where.push(eq(webhookDeliveries.eventUid, query.event_id));
  if (query.type) where.push(eq(webhookDeliveries.eventType, query.type));
  if (query.from) where.push(gte(webhookDeliveries.createdAt, query.from));
  if (query.to) where.push(lte(webhookDeliveries.createdAt, query.to));
  if (query.cursor) where.push(lt(webhookDeliveries.id, Number(query.cursor)));
  const rows = await db
    .select()
    .from(webhookDeliveries)
    .where(and(...where))
    .orderBy(desc(webhookDeliveries.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  return {
    data: page.map(formatDelivery),
    next_cursor: rows.length > query.limit ? String(page[page.length - 1]?.id) : null,
  };
}

/**
 * Puts deliveries back in line with a fresh set of attempts: the listed ones, or the failed ones of a
 * time range. A delivery in flight keeps its lease (it is not sent twice at once).
 */
export async function replayDeliveries(
  deps: { db: Db; env: Pick<Env, 'WEBHOOKS'> },
  environmentId: number,
  body: z.output<typeof replayWebhookDeliveriesBodySchema>,
): Promise<{ replayed: number }> {
  const where: SQL[] = [eq(webhookDeliveries.environmentId, environmentId)];
  if (body.ids) where.push(inArray(webhookDeliveries.id, body.ids));
  else {
    where.push(eq(webhookDeliveries.status, 'failed'));
    if (body.from) where.push(gte(webhookDeliveries.createdAt, body.from));
    if (body.to) where.push(lte(webhookDeliveries.createdAt, body.to));
  }
  const now = Date.now();
  const rows = await deps.db
    .update(webhookDeliveries)
    .set({ status: 'pending', attempts: 0, nextAttemptAtMs: now, updatedAt: new Date(now).toISOString() })
    .where(and(...where))
    .returning({ id: webhookDeliveries.id });
  await enqueueDeliveries(
    deps.env,
    rows.map((r) => r.id),
  );
  return { replayed: rows.length };
}

/**
 * The hourly clean-up (`PIER_LOG_RETENTION_DAYS`, like the operations log): settled deliveries, events
 * with nothing left to deliver, and processed provider webhooks older than the retention period.
 * Pending deliveries and their events stay, whatever their age.
 */
export async function pruneWebhookHistory(env: Env, retentionDays: number, nowMs = Date.now()): Promise<number> {
  const cutoff = new Date(nowMs - retentionDays * 86_400_000).toISOString();
  const results = await env.DB.batch([
    env.DB.prepare(`DELETE FROM webhook_deliveries WHERE status != 'pending' AND created_at < ?`).bind(cutoff),
    env.DB.prepare(
      `DELETE FROM outbox_events WHERE created_at < ?1
         AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_uid = outbox_events.uid)`,
    ).bind(cutoff),
    env.DB.prepare(`DELETE FROM incoming_webhooks WHERE status != 'received' AND created_at < ?`).bind(cutoff),
  ]);
  return results.reduce((sum, r) => sum + (r.meta.changes ?? 0), 0);
}
