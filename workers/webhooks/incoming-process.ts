/**
 * Processing a stored provider webhook (the `pier-jobs` consumer): claimed with a lease, routed to the
 * connection(s) whose config or metadata matches the declared payload field, the matching syncs'
 * `onWebhook` handlers run, forwarded to the app when the integration forwards, logged.
 */
import { and, eq, lt, or, sql } from 'drizzle-orm';
import { connectionStub } from '../../durable-objects/connection-name.js';
import type { ProviderDefinition } from '../../sdk/contract/provider-definition.js';
import { readPath } from '../../sdk/paginate.js';
import { type Db, openDb } from '../db/client.js';
import { type ConnectionRow, connections, type IncomingWebhookRow, incomingWebhooks } from '../db/schema.js';
import { findEnvironmentById } from '../environments/store.js';
import { listFunctionRows } from '../functions/store.js';
import { runSyncWebhook } from '../functions/sync-runs.js';
import { findIntegrationById } from '../integrations/store.js';
import { queueOperation } from '../logs/service.js';
import { findProvider } from '../providers/service.js';
import { eventUidFor, type OutgoingEvent, recordEvents } from './outbox.js';

export type IncomingJob = { type: 'incoming_webhook'; id: number };

export function parseBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return { raw: body };
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function eventTypeOf(hooks: ProviderDefinition['webhooks'], payload: unknown, headers: Record<string, string>) {
  const path = hooks?.eventTypePath;
  if (!path) return undefined;
  const value = path.startsWith('header:') ? headers[path.slice(7).toLowerCase()] : readPath(payload, path);
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/** The connections the event names: config (or `metadata.<field>`) equal to the payload's value. */
async function routeToConnections(
  db: Db,
  row: IncomingWebhookRow,
  hooks: ProviderDefinition['webhooks'],
  payload: unknown,
): Promise<ConnectionRow[]> {
  const lookup = hooks?.connectionLookup;
  if (!lookup) return [];
  const value = readPath(payload, lookup.payloadPath);
  if (value === undefined || value === null || typeof value === 'object') return [];
  const field = lookup.connectionConfigField;
  const [column, name] = field.startsWith('metadata.')
    ? [connections.metadata, field.slice('metadata.'.length)]
    : [connections.connectionConfig, field];
  const jsonPath = `$."${name.replace(/"/g, '')}"`;
  return db
    .select()
    .from(connections)
    .where(
      and(
        eq(connections.environmentId, row.environmentId),
        eq(connections.integrationId, row.integrationId),
        sql`CAST(json_extract(${column}, ${jsonPath}) AS TEXT) = ${String(value)}`,
      ),
    )
    .limit(100);
}

type Outcome = {
  eventType: string | null;
  connections: string[];
  handlers: { connectionId: string; sync: string; variant?: string; ok: boolean; message?: string }[];
  forwarded: number;
};

/**
 * Processes one stored provider webhook (the `pier-jobs` consumer calls this). Safe to repeat: a
 * row already processed is left alone; handlers save records idempotently by id.
 */
export async function processIncomingWebhook(
  env: Env,
  id: number,
  waitUntil: (promise: Promise<unknown>) => void,
): Promise<void> {
  const db = openDb(env.DB);
  const now = new Date();
  // Claimed with a lease: a message delivered twice, or the sweep, never processes it twice at once.
  const [row] = await db
    .update(incomingWebhooks)
    .set({
      status: 'processing',
      attempts: sql`${incomingWebhooks.attempts} + 1`,
      processedAt: new Date(now.getTime() + PROCESSING_LEASE_MS).toISOString(),
    })
    .where(
      and(
        eq(incomingWebhooks.id, id),
        or(
          eq(incomingWebhooks.status, 'received'),
          and(eq(incomingWebhooks.status, 'processing'), lt(incomingWebhooks.processedAt, now.toISOString())),
        ),
      ),
    )
    .returning();
  if (!row) return;
  try {
    await processClaimed(env, db, row, waitUntil);
  } catch (err) {
    // Back in line for the queue's retry (or the sweep).
    await db.update(incomingWebhooks).set({ status: 'received', processedAt: null }).where(eq(incomingWebhooks.id, id));
    throw err;
  }
}

/** How long one processing may take before another may take the event over (handlers run in turn). */
export const PROCESSING_LEASE_MS = 30 * 60_000;

async function processClaimed(
  env: Env,
  db: Db,
  row: IncomingWebhookRow,
  waitUntil: (promise: Promise<unknown>) => void,
): Promise<void> {
  const id = row.id;
  const started = Date.now();
  const environment = await findEnvironmentById(db, row.environmentId);
  const integration = await findIntegrationById(db, row.integrationId);
  if (!environment || !integration) return;
  const provider = await findProvider(db, environment.id, integration.provider);
  const hooks = provider?.definition.webhooks;
  const payload = parseBody(row.body);
  const headers = JSON.parse(row.headers) as Record<string, string>;
  const eventType = eventTypeOf(hooks, payload, headers) ?? null;
  const matched = await routeToConnections(db, row, hooks, payload);
  const outcome: Outcome = { eventType, connections: matched.map((c) => c.connectionId), handlers: [], forwarded: 0 };

  const syncs = (await listFunctionRows(db, environment.id, [integration.id])).filter((fn) => {
    if (fn.type !== 'sync' || !fn.enabled) return false;
    const subscriptions =
      (JSON.parse(fn.definition) as { webhook_subscriptions?: string[] }).webhook_subscriptions ?? [];
    return subscriptions.includes('*') || (eventType !== null && subscriptions.includes(eventType));
  });
  for (const connection of matched) {
    const ref = { environmentId: environment.id, integrationId: integration.id, connectionId: connection.connectionId };
    // Every variant the connection has of a subscribed sync handles the event (its records are its own).
    const rows = syncs.length > 0 ? await connectionStub(env, ref).syncStatus() : [];
    for (const fn of syncs) {
      const variants = rows.filter((r) => r.name === fn.name).map((r) => r.variant);
      for (const variant of variants.length > 0 ? variants : ['base']) {
        const result = await runSyncWebhook(env, ref, { name: fn.name, variant, payload }, waitUntil);
        outcome.handlers.push({
          connectionId: connection.connectionId,
          sync: fn.name,
          ...(variant !== 'base' ? { variant } : {}),
          ok: result.kind === 'done',
          ...(result.kind === 'failed' ? { message: result.message.slice(0, 300) } : {}),
        });
      }
    }
  }

  if (integration.forwardWebhooks) {
    const forward = (connection: ConnectionRow | undefined): OutgoingEvent => ({
      type: 'forward',
      trigger: 'forward',
      connectionId: connection?.connectionId ?? null,
      integrationKey: integration.uniqueKey,
      body: {
        from: integration.provider,
        type: 'forward',
        ...(connection ? { connectionId: connection.connectionId } : {}),
        providerConfigKey: integration.uniqueKey,
        payload,
      },
    });
    const targets: (ConnectionRow | undefined)[] = matched.length > 0 ? matched : [undefined];
    for (const connection of targets) {
      const event = forward(connection);
      event.uid = await eventUidFor(`${row.uid}:forward:${connection?.id ?? 0}`);
      const recorded = await recordEvents(
        { db, env },
        { environment, webhookUrlOverride: connection?.webhookUrlOverride },
        [event],
      );
      outcome.forwarded += recorded.length;
    }
  }

  const status = matched.length === 0 ? 'unroutable' : 'processed';
  await db
    .update(incomingWebhooks)
    .set({
      status,
      result: JSON.stringify(outcome),
      processedAt: new Date().toISOString(),
    })
    .where(eq(incomingWebhooks.id, id));
  const failedHandlers = outcome.handlers.filter((h) => !h.ok).length;
  queueOperation(
    db,
    {
      environmentId: environment.id,
      type: 'webhook',
      outcome: status === 'unroutable' || failedHandlers > 0 ? 'failure' : 'success',
      connectionId: matched.length === 1 ? (matched[0]?.connectionId ?? null) : null,
      integrationKey: integration.uniqueKey,
      provider: integration.provider,
      method: 'RECEIVE',
      path: eventType ?? 'event',
      status: 200,
      durationMs: Date.now() - started,
      retries: 0,
      bytes: row.body.length,
      errorCode: status === 'unroutable' ? 'webhook_unroutable' : failedHandlers > 0 ? 'webhook_handler_failed' : null,
      message:
        status === 'unroutable'
          ? `No connection matches this ${eventType ?? ''} event${integration.forwardWebhooks ? ' (forwarded without a connection)' : ''}`
          : `${eventType ?? 'Event'} for ${matched.length} connection(s): ${outcome.handlers.length} handler run(s)${failedHandlers ? `, ${failedHandlers} failed` : ''}, ${outcome.forwarded} forward(s)`,
      requestId: row.uid,
      createdAt: new Date().toISOString(),
    },
    waitUntil,
  );
}

/** Stored provider webhooks the queue lost (still `received` a minute later, or a processing that died), sent again. */
export async function sweepIncomingWebhooks(env: Env): Promise<number> {
  const cutoff = new Date(Date.now() - 60_000).toISOString();
  const rows = await openDb(env.DB)
    .select({ id: incomingWebhooks.id })
    .from(incomingWebhooks)
    .where(
      or(
        and(eq(incomingWebhooks.status, 'received'), lt(incomingWebhooks.createdAt, cutoff)),
        and(eq(incomingWebhooks.status, 'processing'), lt(incomingWebhooks.processedAt, new Date().toISOString())),
      ),
    )
    .limit(100);
  for (const row of rows)
    await env.JOBS.send({ type: 'incoming_webhook', id: row.id } satisfies IncomingJob, { contentType: 'json' });
  return rows.length;
}
