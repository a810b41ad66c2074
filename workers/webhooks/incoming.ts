/**
 * Provider webhooks (`POST /webhook/:environmentUuid/:integration`): verified as the provider's
 * definition declares, stored, answered at once (providers give a few seconds), and processed from
 * the `pier-jobs` queue: routed to the connection(s) whose config or metadata matches the declared
 * payload field, the matching syncs' `onWebhook` handlers run, and the event forwarded to the app
 * when the integration forwards. A refused or unroutable payload is logged, never dropped silently.
 */
import { and, eq, lt, or, sql } from 'drizzle-orm';
import type { Context } from 'hono';
import type { ProviderDefinition } from '../../sdk/contract/provider-definition.js';
import type { AppEnv } from '../app-env.js';
import { type Db, openDb } from '../db/client.js';
import { type ConnectionRow, connections, type IncomingWebhookRow, incomingWebhooks } from '../db/schema.js';
import { findEnvironmentById, findEnvironmentByUuid } from '../environments/store.js';
import { listFunctionRows } from '../functions/store.js';
import { runSyncWebhook } from '../functions/sync-runs.js';
import { ApiError } from '../http/api-error.js';
import { readIntegrationCredentials } from '../integrations/service.js';
import { findIntegrationById, findIntegrationRow } from '../integrations/store.js';
import { queueOperation } from '../logs/service.js';
import { findProvider } from '../providers/service.js';
import { eventUidFor, newEventUid, type OutgoingEvent, recordEvents } from './outbox.js';
import { checkProviderSignature } from './provider-signature.js';

/** Larger bodies are refused (413): no provider sends webhooks this big. */
export const MAX_WEBHOOK_BYTES = 1_000_000;

/** Headers kept with a stored event: what routing and handlers may need. Never signatures. */
const KEPT_HEADERS =
  /^(content-type|user-agent|x-github-event|x-github-delivery|x-github-hook-installation-target-id|x-shopify-topic|x-shopify-shop-domain|x-shopify-webhook-id|x-slack-retry-num|x-hubspot-request-timestamp)$/;
/** Headers naming one delivery: a provider's retry of it is recorded once. */
const DELIVERY_ID_HEADERS = ['x-github-delivery', 'x-shopify-webhook-id'];

export type IncomingJob = { type: 'incoming_webhook'; id: number };

function refuse(
  c: Context<AppEnv>,
  target: { environmentId: number; integrationKey: string; provider: string },
  error: ApiError,
): never {
  queueOperation(
    c.get('db'),
    {
      environmentId: target.environmentId,
      type: 'webhook',
      outcome: 'failure',
      connectionId: null,
      integrationKey: target.integrationKey,
      provider: target.provider,
      method: 'RECEIVE',
      path: new URL(c.req.url).pathname,
      status: error.status,
      durationMs: 0,
      retries: 0,
      bytes: null,
      errorCode: error.code,
      message: `Incoming webhook refused: ${error.message}`,
      requestId: c.get('requestId') ?? null,
      createdAt: new Date().toISOString(),
    },
    (p) => c.executionCtx.waitUntil(p),
  );
  throw error;
}

/** The route handler: verify, store, queue, answer. */
export async function receiveWebhook(c: Context<AppEnv>): Promise<Response> {
  const db = c.get('db');
  const { environmentUuid = '', integration: integrationKey = '' } = c.req.param();
  const environment = /^[0-9a-f-]{36}$/.test(environmentUuid)
    ? await findEnvironmentByUuid(db, environmentUuid)
    : undefined;
  const integration = environment ? await findIntegrationRow(db, environment.id, integrationKey) : undefined;
  if (!environment || !integration)
    throw new ApiError('unknown_provider_config', 404, 'No integration receives webhooks at this URL');
  const target = { environmentId: environment.id, integrationKey, provider: integration.provider };
  const length = Number(c.req.header('content-length') ?? 0);
  if (length > MAX_WEBHOOK_BYTES)
    refuse(
      c,
      target,
      new ApiError('payload_too_large', 413, `Webhook bodies are limited to ${MAX_WEBHOOK_BYTES} bytes`),
    );
  const body = await c.req.text();
  if (body.length > MAX_WEBHOOK_BYTES)
    refuse(
      c,
      target,
      new ApiError('payload_too_large', 413, `Webhook bodies are limited to ${MAX_WEBHOOK_BYTES} bytes`),
    );

  const provider = await findProvider(db, environment.id, integration.provider);
  const signature = provider?.definition.webhooks?.signature;
  if (!signature)
    refuse(
      c,
      target,
      new ApiError(
        'webhooks_not_supported',
        400,
        `The provider "${integration.provider}" declares no webhook signature, so its webhooks cannot be verified`,
      ),
    );
  const credentials = await readIntegrationCredentials(c.get('config'), environment, integration);
  const secret =
    credentials && 'webhook_secret' in credentials && credentials.webhook_secret
      ? credentials.webhook_secret
      : credentials && 'client_secret' in credentials
        ? credentials.client_secret
        : undefined;
  if (!secret)
    refuse(
      c,
      target,
      new ApiError(
        'webhook_secret_missing',
        401,
        `The integration "${integrationKey}" has no webhook secret to verify its webhooks with`,
      ),
    );
  const check = await checkProviderSignature(signature, secret, {
    method: c.req.method,
    url: c.req.url,
    headers: c.req.raw.headers,
    body,
  });
  if (!check.ok) refuse(c, target, new ApiError(check.code, 401, check.message));

  const payload = parseBody(body);
  // Slack's URL verification (and its like): answered once the request is known to be Slack's.
  if (isRecord(payload) && payload.type === 'url_verification' && typeof payload.challenge === 'string')
    return c.json({ challenge: payload.challenge });

  const headers: Record<string, string> = {};
  for (const [name, value] of c.req.raw.headers) if (KEPT_HEADERS.test(name)) headers[name] = value;
  const deliveryId =
    DELIVERY_ID_HEADERS.map((h) => c.req.header(h)).find(Boolean) ??
    (signature.format === 'stripe' && isRecord(payload) && typeof payload.id === 'string' ? payload.id : undefined);
  const uid = deliveryId ? await eventUidFor(`incoming:${integration.id}:${deliveryId}`) : newEventUid();
  const [row] = await db
    .insert(incomingWebhooks)
    .values({
      uid,
      environmentId: environment.id,
      integrationId: integration.id,
      headers: JSON.stringify(headers),
      body,
    })
    .onConflictDoNothing()
    .returning({ id: incomingWebhooks.id });
  // A provider's retry of a delivery already stored: acknowledged, not processed again.
  if (!row) return c.json({ received: true, duplicate: true });
  try {
    await c.env.JOBS.send({ type: 'incoming_webhook', id: row.id } satisfies IncomingJob, { contentType: 'json' });
  } catch {
    // Stored: the sweep processes it.
  }
  return c.json({ received: true });
}

function parseBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return { raw: body };
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at a dotted path (`installation.id`, `0.portalId`, `events.0.type`). */
export function valueAt(value: unknown, path: string): unknown {
  let at: unknown = value;
  for (const part of path.split('.')) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}

function eventTypeOf(hooks: ProviderDefinition['webhooks'], payload: unknown, headers: Record<string, string>) {
  const path = hooks?.eventTypePath;
  if (!path) return undefined;
  const value = path.startsWith('header:') ? headers[path.slice(7).toLowerCase()] : valueAt(payload, path);
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
  const value = valueAt(payload, lookup.payloadPath);
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
  handlers: { connectionId: string; sync: string; ok: boolean; message?: string }[];
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
  for (const connection of matched)
    for (const fn of syncs) {
      const ref = {
        environmentId: environment.id,
        integrationId: integration.id,
        connectionId: connection.connectionId,
      };
      const result = await runSyncWebhook(env, ref, { name: fn.name, variant: 'base', payload }, waitUntil);
      outcome.handlers.push({
        connectionId: connection.connectionId,
        sync: fn.name,
        ok: result.kind === 'done',
        ...(result.kind === 'failed' ? { message: result.message.slice(0, 300) } : {}),
      });
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
