import type { Db } from '../db/client.js';
import { outboxEvents } from '../db/schema.js';

/** The `auth` event body sent to the customer's backend (the reference's shape). */
export type AuthEvent = {
  from: 'pier';
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
 * Records an event durably in the same database as the change it describes; the webhooks issue
 * delivers from this outbox, so an event is never lost between a change and its delivery.
 */
export async function recordAuthEvent(db: Db, environmentId: number, event: AuthEvent): Promise<number> {
  const [row] = await db
    .insert(outboxEvents)
    .values({
      environmentId,
      type: 'auth',
      connectionId: event.connectionId,
      integrationKey: event.providerConfigKey,
      payload: JSON.stringify(event),
    })
    .returning({ id: outboxEvents.id });
  return row?.id ?? 0;
}
