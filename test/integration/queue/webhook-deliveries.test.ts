import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../../workers/db/client.js';
import { findEnvironmentById } from '../../../workers/environments/store.js';
import worker from '../../../workers/index.js';
import { attemptDeliveries, attemptDelivery } from '../../../workers/webhooks/deliver.js';
import { deliverySettings, retryDelayMs } from '../../../workers/webhooks/delivery-policy.js';
import { sweepDeliveries } from '../../../workers/webhooks/delivery-sweep.js';
import { pruneWebhookHistory } from '../../../workers/webhooks/history.js';
import { processIncomingWebhook } from '../../../workers/webhooks/incoming-process.js';
import { recordEvents } from '../../../workers/webhooks/outbox.js';
import { api, seedEnvironment } from '../support/fixtures.js';

async function environmentWith(settings: Record<string, unknown>) {
  const seeded = await seedEnvironment({ prefix: 'hooks' });
  await api(seeded.key, 'PATCH', '/environment', { webhook_settings: settings });
  const environment = await findEnvironmentById(openDb(env.DB), seeded.id);
  if (!environment) throw new Error('no environment');
  return { ...seeded, environment };
}

const authEvent = (connectionId: string) => ({
  type: 'auth' as const,
  trigger: 'auth_creation' as const,
  connectionId,
  integrationKey: 'crm',
  body: { from: 'nango', type: 'auth', operation: 'creation', connectionId },
});

describe('webhook deliveries', () => {
  it('records one delivery per destination only for events the settings turn on; the override replaces both', async () => {
    const { environment, key } = await environmentWith({
      primary_url: 'http://169.254.169.254/a',
      secondary_url: 'http://169.254.169.254/b',
    });
    const db = openDb(env.DB);
    // on_auth_creation is off: the event is kept, nothing is sent.
    const [off] = await recordEvents({ db, env }, { environment }, [authEvent('u-1')]);
    expect(off?.deliveryIds).toEqual([]);
    const on = {
      ...environment,
      webhookSettings: JSON.stringify({ ...JSON.parse(environment.webhookSettings), on_auth_creation: true }),
    };
    const [both] = await recordEvents({ db, env }, { environment: on }, [authEvent('u-2')]);
    expect(both?.deliveryIds).toHaveLength(2);
    const [override] = await recordEvents(
      { db, env },
      { environment: on, webhookUrlOverride: 'http://169.254.169.254/c' },
      [authEvent('u-3')],
    );
    expect(override?.deliveryIds).toHaveLength(1);
    // The same event id recorded twice (a repeated report) is one event.
    const same = { ...authEvent('u-4'), uid: `evt_${crypto.randomUUID()}` };
    expect(await recordEvents({ db, env }, { environment: on }, [same])).toHaveLength(1);
    expect(await recordEvents({ db, env }, { environment: on }, [same])).toEqual([]);

    const listed = await api(key, 'GET', '/webhooks/deliveries');
    expect(listed.status).toBe(200);
    expect(
      listed.json.data.map(
        (d: { destination: string; connection_id: string }) => `${d.connection_id}:${d.destination}`,
      ),
    ).toEqual(['u-4:secondary', 'u-4:primary', 'u-3:override', 'u-2:secondary', 'u-2:primary']);
    expect((await api(key, 'GET', '/webhooks/deliveries?status=bogus')).status).toBe(400);
    expect((await api(key, 'GET', '/webhooks/deliveries?cursor=abc')).status).toBe(400);
    const page = await api(key, 'GET', '/webhooks/deliveries?limit=2');
    expect(page.json.data).toHaveLength(2);
    const next = await api(key, 'GET', `/webhooks/deliveries?limit=10&cursor=${page.json.next_cursor}`);
    expect(next.json.data).toHaveLength(3);
  });

  it('fails a delivery to an address the outbound policy refuses at once, without retries', async () => {
    const { environment } = await environmentWith({
      primary_url: 'http://169.254.169.254/latest',
      on_auth_creation: true,
    });
    const db = openDb(env.DB);
    const [recorded] = await recordEvents({ db, env }, { environment }, [authEvent('meta')]);
    const id = recorded?.deliveryIds[0] ?? 0;
    expect(await attemptDelivery(env, id)).toBe('failed');
    const row = await env.DB.prepare('SELECT status, attempts, last_error FROM webhook_deliveries WHERE id = ?')
      .bind(id)
      .first<{ status: string; attempts: number; last_error: string }>();
    expect(row).toEqual({
      status: 'failed',
      attempts: 1,
      last_error: 'The webhook URL is not allowed (private_address)',
    });
    // Settled: another message for it does nothing.
    expect(await attemptDelivery(env, id)).toBe('skipped');
  });

  it('lets one of two simultaneous attempts through (the lease); the sweep finds only lost, due ones', async () => {
    const { environment } = await environmentWith({ primary_url: 'http://169.254.169.254/x', on_auth_creation: true });
    const db = openDb(env.DB);
    const [recorded] = await recordEvents({ db, env }, { environment }, [authEvent('race')]);
    const id = recorded?.deliveryIds[0] ?? 0;
    const outcomes = await Promise.all([attemptDelivery(env, id), attemptDelivery(env, id)]);
    expect(outcomes.sort()).toEqual(['failed', 'skipped']);

    await recordEvents({ db, env }, { environment }, [authEvent('lost')]);
    // Just recorded: not lost (its message is on its way). With no attempt a minute later: lost.
    const now = Date.now();
    const dueNow = await sweepDeliveries(env, now - 60_000);
    const dueLater = await sweepDeliveries(env, now + 60_000);
    expect(dueLater.length).toBeGreaterThan(dueNow.length);
  });

  it('opens the breaker of a dead destination: later deliveries park without spending attempts', async () => {
    const dead = `http://127.0.0.1:9/${crypto.randomUUID()}`;
    const { environment, key } = await environmentWith({ primary_url: dead, on_auth_creation: true });
    const db = openDb(env.DB);
    const first = await recordEvents(
      { db, env },
      { environment },
      [1, 2, 3, 4, 5].map((i) => authEvent(`d-${i}`)),
    );
    const tripped = await attemptDeliveries(
      env,
      first.flatMap((r) => r.deliveryIds),
    );
    expect([...tripped.values()]).toEqual(['retry', 'retry', 'retry', 'retry', 'retry']);
    const breaker = await env.DB.prepare('SELECT failures, open_until_ms FROM webhook_endpoints WHERE url = ?')
      .bind(dead)
      .first<{ failures: number; open_until_ms: number }>();
    expect(breaker?.failures).toBe(5);
    expect(breaker?.open_until_ms).toBeGreaterThan(Date.now());

    const later = await recordEvents(
      { db, env },
      { environment },
      [6, 7, 8].map((i) => authEvent(`d-${i}`)),
    );
    const parked = await attemptDeliveries(
      env,
      later.flatMap((r) => r.deliveryIds),
    );
    expect([...parked.values()]).toEqual(['deferred', 'deferred', 'deferred']);
    const rows = (await api(key, 'GET', '/webhooks/deliveries?limit=3')).json.data as {
      attempts: number;
      next_attempt_at: string;
    }[];
    expect(rows.every((d) => d.attempts === 0 && Date.parse(d.next_attempt_at) >= (breaker?.open_until_ms ?? 0))).toBe(
      true,
    );
    // One trial is scheduled for the whole destination; the sweep leaves an open destination alone.
    const trial = await env.DB.prepare('SELECT trial_at_ms FROM webhook_endpoints WHERE url = ?')
      .bind(dead)
      .first<{ trial_at_ms: number }>();
    expect(trial?.trial_at_ms).toBeGreaterThanOrEqual(breaker?.open_until_ms ?? 0);
    // Due (their backoff passed) but their destination is open: not re-sent.
    const swept = await sweepDeliveries(env, Date.now() + 30_000);
    const mine = [...first, ...later].flatMap((r) => r.deliveryIds);
    expect(swept.filter((id) => mine.includes(id))).toEqual([]);
  });

  it('prunes settled deliveries and their events after the retention period, never pending ones', async () => {
    const { environment } = await environmentWith({ primary_url: 'http://169.254.169.254/p', on_auth_creation: true });
    const db = openDb(env.DB);
    const [settled] = await recordEvents({ db, env }, { environment }, [authEvent('old-settled')]);
    const [pending] = await recordEvents({ db, env }, { environment }, [authEvent('old-pending')]);
    expect(await attemptDelivery(env, settled?.deliveryIds[0] ?? 0)).toBe('failed');
    const old = new Date(Date.now() - 40 * 86_400_000).toISOString();
    await env.DB.prepare('UPDATE webhook_deliveries SET created_at = ? WHERE environment_id = ?')
      .bind(old, environment.id)
      .run();
    await env.DB.prepare('UPDATE outbox_events SET created_at = ? WHERE environment_id = ?')
      .bind(old, environment.id)
      .run();
    expect(await pruneWebhookHistory(env, 15)).toBeGreaterThanOrEqual(2);
    const left = await env.DB.prepare('SELECT uid FROM outbox_events WHERE environment_id = ?')
      .bind(environment.id)
      .all<{ uid: string }>();
    expect(left.results.map((r) => r.uid)).toEqual([pending?.uid]);
  });

  it('processes a stored provider webhook once, even when two messages ask at the same time', async () => {
    const { id, key } = await seedEnvironment({ prefix: 'incoming' });
    await api(key, 'POST', '/integrations', { unique_key: 'gh', provider: 'github' });
    const integration = await env.DB.prepare('SELECT id FROM integrations WHERE environment_id = ?')
      .bind(id)
      .first<{ id: number }>();
    const row = await env.DB.prepare(
      `INSERT INTO incoming_webhooks (uid, environment_id, integration_id, headers, body) VALUES (?, ?, ?, '{}', '{"a":1}') RETURNING id`,
    )
      .bind(`evt_${crypto.randomUUID()}`, id, integration?.id)
      .first<{ id: number }>();
    const waitUntil = () => undefined;
    await Promise.all([
      processIncomingWebhook(env, row?.id ?? 0, waitUntil),
      processIncomingWebhook(env, row?.id ?? 0, waitUntil),
    ]);
    const after = await env.DB.prepare('SELECT status, attempts FROM incoming_webhooks WHERE id = ?')
      .bind(row?.id)
      .first<{ status: string; attempts: number }>();
    // No connection matches (GitHub user OAuth declares no routing): logged as unroutable, once.
    expect(after).toEqual({ status: 'unroutable', attempts: 1 });
  });

  it('acknowledges queue messages that name no delivery', async () => {
    const batch = createMessageBatch('pier-webhooks', [
      { id: 'm1', timestamp: new Date(), attempts: 1, body: { type: 'auth' } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.ackAll).toBe(true);
    expect(result.retryBatch.retry).toBe(false);
  });

  it('waits longer after each failure, with jitter, up to the cap', () => {
    const settings = { ...deliverySettings({}), retryBaseMs: 2_000, retryMaxMs: 60_000 };
    expect(retryDelayMs(settings, 1, 0)).toBe(1_000);
    expect(retryDelayMs(settings, 1, 1)).toBe(2_000);
    expect(retryDelayMs(settings, 3, 0)).toBe(4_000);
    expect(retryDelayMs(settings, 20, 1)).toBe(60_000);
    expect(retryDelayMs(settings, 20, 0)).toBe(30_000);
  });
});
