/**
 * The connection's `auth` creation event is recorded right after the connection is saved (the
 * connection lives in D1 and in its Durable Object, so not in one transaction with the event). A
 * crash in between would leave a connection without its event; this hourly repair records the
 * missing ones, under the same derived id, so it never records one twice.
 */
import { and, eq, gte, lte, sql } from 'drizzle-orm';
import { openDb } from '../db/client.js';
import { connections, environments, integrations, outboxEvents } from '../db/schema.js';
import { authEventFor, recordEvents } from './outbox.js';

/** Connections created this long ago are left alone (their event may still be on its way). */
export const REPAIR_AFTER_MS = 5 * 60_000;
/** How far back the repair looks. */
export const REPAIR_WINDOW_MS = 24 * 3600_000;

export async function repairMissedAuthEvents(env: Env, now = Date.now()): Promise<number> {
  const db = openDb(env.DB);
  const rows = await db
    .select({ connection: connections, integrationKey: integrations.uniqueKey, environment: environments })
    .from(connections)
    .innerJoin(integrations, eq(integrations.id, connections.integrationId))
    .innerJoin(environments, eq(environments.id, connections.environmentId))
    .where(
      and(
        gte(connections.createdAt, new Date(now - REPAIR_WINDOW_MS).toISOString()),
        lte(connections.createdAt, new Date(now - REPAIR_AFTER_MS).toISOString()),
        sql`NOT EXISTS (SELECT 1 FROM ${outboxEvents} o WHERE o.environment_id = ${connections.environmentId}
              AND o.type = 'auth' AND o.connection_id = ${connections.connectionId}
              AND o.integration_key = ${integrations.uniqueKey})`,
      ),
    )
    .limit(500);
  let recorded = 0;
  for (const { connection, integrationKey, environment } of rows) {
    const done = await recordEvents({ db, env }, { environment, webhookUrlOverride: connection.webhookUrlOverride }, [
      await authEventFor(environment, integrationKey, connection, 'creation'),
    ]);
    recorded += done.length;
  }
  return recorded;
}
