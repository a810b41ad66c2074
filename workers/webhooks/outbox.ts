/**
 * The durable outbox of events for the app's backend. Recording an event writes the event and one
 * delivery row per destination in one D1 batch (with the caller's own change when it passes one),
 * then tells the `pier-webhooks` queue; the queue message only names a delivery, so a lost message
 * or a crash after the write loses nothing (the sweep in delivery-sweep.ts sends what is due).
 */
import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from '../db/client.js';
import { type ConnectionRow, type EnvironmentRow, outboxEvents, webhookDeliveries } from '../db/schema.js';
import { destinationsFor, type EventTrigger, parseWebhookSettings, triggerEnabled } from './settings.js';

/** The `auth` event body (Nango's shape). */
export type AuthEvent = {
  from: 'nango';
  type: 'auth';
  operation: 'creation' | 'override' | 'refresh';
  connectionId: string;
  providerConfigKey: string;
  provider: string;
  authMode: string;
  environment: string;
  success: boolean;
  tags?: Record<string, string>;
  endUser?: Record<string, unknown>;
  error?: { type: string; description: string };
};

/**
 * The `auth` event of a connection created or re-authorised. A creation's id is derived from the
 * connection row, so the repair that records creations a crash left without their event
 * (repairMissedAuthEvents in repair.ts) never records one twice.
 */
export async function authEventFor(
  environment: Pick<EnvironmentRow, 'name'>,
  integrationKey: string,
  row: Pick<ConnectionRow, 'id' | 'connectionId' | 'provider' | 'authMode' | 'tags' | 'endUser'>,
  operation: 'creation' | 'override',
): Promise<OutgoingEvent> {
  const tags = JSON.parse(row.tags) as Record<string, string>;
  const body: AuthEvent = {
    from: 'nango',
    type: 'auth',
    operation,
    connectionId: row.connectionId,
    providerConfigKey: integrationKey,
    provider: row.provider,
    authMode: row.authMode,
    environment: environment.name,
    success: true,
    ...(Object.keys(tags).length > 0 ? { tags } : {}),
    ...(row.endUser ? { endUser: JSON.parse(row.endUser) as Record<string, unknown> } : {}),
  };
  return {
    ...(operation === 'creation' ? { uid: await eventUidFor(`auth:creation:${row.id}`) } : {}),
    type: 'auth',
    trigger: 'auth_creation',
    connectionId: row.connectionId,
    integrationKey,
    body,
  };
}

export type OutgoingEvent = {
  /** Stable id when the same event may be recorded twice (a retried report): recorded once. */
  uid?: string;
  type: 'auth' | 'sync' | 'async_action' | 'forward' | 'test';
  trigger: EventTrigger;
  connectionId?: string | null;
  integrationKey?: string | null;
  body: Record<string, unknown>;
};

export type EventTarget = {
  environment: Pick<EnvironmentRow, 'id' | 'webhookSettings'>;
  /** The connection's `webhook_url_override`, which replaces the environment's URLs. */
  webhookUrlOverride?: string | null;
};

export type RecordedEvent = { uid: string; outboxId: number; deliveryIds: number[] };

/** `evt_` + 26 random base32 characters. */
export function newEventUid(): string {
  return `evt_${base32(crypto.getRandomValues(new Uint8Array(26)))}`;
}

/** A stable event id for something that happens once (a run's report on one model). */
export async function eventUidFor(seed: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(seed)));
  return `evt_${base32(digest.subarray(0, 26))}`;
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
function base32(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += ALPHABET[byte & 31];
  return out;
}

/**
 * Records events (and `alongside`, the change they report, in the same transaction), then queues
 * their deliveries. Returns what was recorded; an event whose `uid` was recorded before is skipped.
 *
 * @example await recordEvents({ db, env }, { environment }, [{ type: 'auth', trigger: 'auth_creation', body }])
 */
export async function recordEvents(
  deps: { db: Db; env: Pick<Env, 'WEBHOOKS'> },
  target: EventTarget,
  events: OutgoingEvent[],
  alongside: BatchItem<'sqlite'>[] = [],
): Promise<RecordedEvent[]> {
  if (events.length === 0 && alongside.length === 0) return [];
  const settings = parseWebhookSettings(target.environment.webhookSettings);
  const destinations = destinationsFor(settings, target.webhookUrlOverride);
  const now = Date.now();
  const planned = events.map((event) => ({
    event,
    uid: event.uid ?? newEventUid(),
    destinations: triggerEnabled(settings, event.trigger) ? destinations : [],
  }));
  const statements: BatchItem<'sqlite'>[] = [...alongside];
  for (const { event, uid, destinations: to } of planned) {
    statements.push(
      deps.db
        .insert(outboxEvents)
        .values({
          uid,
          environmentId: target.environment.id,
          type: event.type,
          connectionId: event.connectionId ?? null,
          integrationKey: event.integrationKey ?? null,
          payload: JSON.stringify(event.body),
        })
        .onConflictDoNothing()
        .returning({ id: outboxEvents.id }),
    );
    if (to.length > 0)
      statements.push(
        deps.db
          .insert(webhookDeliveries)
          .values(
            to.map((d) => ({
              environmentId: target.environment.id,
              eventUid: uid,
              eventType: event.type,
              connectionId: event.connectionId ?? null,
              integrationKey: event.integrationKey ?? null,
              destination: d.destination,
              url: d.url,
              nextAttemptAtMs: now,
            })),
          )
          .onConflictDoNothing()
          .returning({ id: webhookDeliveries.id }),
      );
  }
  const [first, ...rest] = statements;
  if (!first) return [];
  const results = (await deps.db.batch([first, ...rest])) as unknown[];
  const recorded: RecordedEvent[] = [];
  let index = alongside.length;
  for (const { uid, destinations: to } of planned) {
    const outbox = results[index++] as { id: number }[];
    const deliveries = to.length > 0 ? (results[index++] as { id: number }[]) : [];
    if (outbox.length > 0)
      recorded.push({ uid, outboxId: outbox[0]?.id ?? 0, deliveryIds: deliveries.map((d) => d.id) });
  }
  await enqueueDeliveries(
    deps.env,
    recorded.flatMap((r) => r.deliveryIds),
  );
  return recorded;
}

/** Tells the queue about deliveries; a failure here is repaired by the sweep, so it is only logged. */
export async function enqueueDeliveries(env: Pick<Env, 'WEBHOOKS'>, ids: number[], delaySeconds = 0): Promise<void> {
  for (let i = 0; i < ids.length; i += 100) {
    const chunk = ids.slice(i, i + 100);
    try {
      await env.WEBHOOKS.sendBatch(
        chunk.map((delivery) => ({ body: { delivery }, contentType: 'json' as const })),
        delaySeconds > 0 ? { delaySeconds } : undefined,
      );
    } catch (err) {
      console.warn(
        JSON.stringify({
          level: 'warn',
          event: 'webhook_enqueue_failed',
          deliveries: chunk.length,
          error: String(err),
        }),
      );
    }
  }
}
