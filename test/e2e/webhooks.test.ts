import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Nango } from '@nangohq/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pier } from '../../sdk/index.js';
import { verifyWebhook } from '../../sdk/webhooks/index.js';
import { freePort, type RunningPlatform, startPlatform } from './support/platform.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

/**
 * Webhooks to the app, end to end on the local platform: a real receiver that fails about 30 % of
 * deliveries and goes completely down for a while still gets every event, each verifiable with
 * `@nangohq/node` and Pier's SDK, each id processed once; a platform killed between recording and
 * delivery loses nothing; what exhausts its retries is listed as failed and replay delivers it.
 */
describe('webhooks to the app', () => {
  let platform: RunningPlatform;
  let pier: Pier;
  let signingKey: string;
  const receiver = new WebhookReceiver();
  const port = freePort();
  const stateDir = mkdtemp(join(tmpdir(), 'pier-webhooks-state-'));
  const secretKey = `e2e_${crypto.randomUUID().replace(/-/g, '')}`;
  const start = async (env: Record<string, string> = {}) =>
    startPlatform({
      port: await port,
      stateDir: await stateDir,
      secretKey,
      // Quick retries and a short breaker cool-down, so outages of seconds are ridden out in the test.
      env: {
        PIER_WEBHOOK_RETRY_BASE_SECONDS: '1',
        PIER_WEBHOOK_RETRY_MAX_SECONDS: '2',
        PIER_WEBHOOK_MAX_ATTEMPTS: '60',
        PIER_WEBHOOK_BREAKER_COOLDOWN_SECONDS: '2',
        PIER_WEBHOOK_TIMEOUT_SECONDS: '5',
        ...env,
      },
    });
  let connections = 0;
  /** Each new connection records one `auth` creation event. */
  const connect = async (count: number) => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const id = `user-${++connections}`;
      await pier.importConnection({
        provider_config_key: 'crm',
        connection_id: id,
        credentials: { type: 'API_KEY', apiKey: `key-${id}` },
      });
      ids.push(id);
    }
    return ids;
  };
  const deliveredConnections = () =>
    new Set([...receiver.accepted.values()].map((body) => (JSON.parse(body) as { connectionId: string }).connectionId));

  beforeAll(async () => {
    await receiver.start();
    platform = await start();
    pier = new Pier({ host: platform.url, secretKey });
    await pier.createProvider({
      name: 'fake-crm',
      displayName: 'Fake CRM',
      auth: { mode: 'API_KEY' },
      api: { baseUrl: 'http://127.0.0.1:9', headers: { authorization: 'Bearer ${apiKey}' } },
    });
    await pier.createIntegration({ unique_key: 'crm', provider: 'fake-crm' });
    signingKey = await pier.rotateWebhookSigningKey();
    await pier.updateEnvironment({ webhook_settings: { primary_url: receiver.url, on_auth_creation: true } });
  });

  afterAll(async () => {
    await platform?.stop();
    await receiver.close();
  });

  it('delivers every event through failures and an outage, signed, each id processed once', async () => {
    let answered = 0;
    // About 30 % of deliveries fail (every third and then some), whatever their order.
    receiver.decide = () => (++answered % 10 < 3 ? 503 : 200);
    const first = await connect(20);
    await receiver.down();
    const during = await connect(10);
    await new Promise((r) => setTimeout(r, 3_000));
    await receiver.start();
    const after = await connect(10);
    const all = [...first, ...during, ...after];
    await receiver.waitFor(() => deliveredConnections().size === all.length, 90_000, 'all 40 events');

    expect([...deliveredConnections()].sort()).toEqual([...all].sort());
    expect(receiver.requests.some((r) => r.answered >= 500)).toBe(true);
    const nango = new Nango({ host: platform.url, secretKey, webhookSigningKey: signingKey });
    for (const request of receiver.requests) {
      expect(nango.verifyIncomingWebhookRequest(request.body, request.headers as Record<string, string>)).toBe(true);
      expect(await verifyWebhook(request.body, request.headers as Record<string, string>, signingKey)).toMatchObject({
        ok: true,
      });
      const body = JSON.parse(request.body) as Record<string, unknown>;
      expect(body).toMatchObject({ from: 'nango', type: 'auth', operation: 'creation', success: true });
      expect(body.providerConfigKey).toBe('crm');
    }
    // Each event has its own id; the dedupe kept exactly one body per id.
    expect(receiver.accepted.size).toBe(all.length);

    const { data } = await pier.listWebhookDeliveries({ limit: 500 });
    expect(data).toHaveLength(all.length);
    expect(data.every((d) => d.status === 'delivered' && d.destination === 'primary')).toBe(true);
    expect(data.some((d) => d.attempts > 1)).toBe(true);
    expect(new Set(data.map((d) => d.event_id))).toEqual(new Set(receiver.accepted.keys()));
    const logs = await pier.listLogs({ type: 'webhook', status: 'failure', limit: 500 });
    expect(logs.data.length).toBeGreaterThan(0);
  });

  it('refuses a tampered body or a stale timestamp in the SDK check', async () => {
    const request = receiver.requests.find((r) => r.answered === 200);
    if (!request) throw new Error('no delivery yet');
    const headers = request.headers as Record<string, string>;
    expect(await verifyWebhook(`${request.body} `, headers, signingKey)).toMatchObject({
      ok: false,
      reason: 'bad_signature',
    });
    expect(await verifyWebhook(request.body, headers, `${signingKey}x`)).toMatchObject({ ok: false });
    const later = Number(headers['pier-webhook-timestamp']) + 3600;
    expect(await verifyWebhook(request.body, headers, signingKey, { nowSeconds: later })).toMatchObject({
      ok: false,
      reason: 'stale_timestamp',
    });
  });

  it('loses nothing when the platform is killed between recording and delivery', async () => {
    await receiver.down();
    const pending = await connect(5);
    await platform.stop({ kill: true });
    await receiver.start();
    platform = await start();
    pier = new Pier({ host: platform.url, secretKey });
    await receiver.waitFor(
      () => pending.every((id) => deliveredConnections().has(id)),
      90_000,
      'the events recorded before the kill',
    );
  });

  it('lists what exhausted its retries as failed, and replay delivers it', async () => {
    await platform.stop();
    platform = await start({ PIER_WEBHOOK_MAX_ATTEMPTS: '2', PIER_WEBHOOK_BREAKER_FAILURES: '100' });
    pier = new Pier({ host: platform.url, secretKey });
    const since = new Date().toISOString();
    receiver.decide = () => 500;
    const doomed = await connect(3);
    let failed: Awaited<ReturnType<Pier['listWebhookDeliveries']>>['data'] = [];
    const deadline = Date.now() + 30_000;
    while (failed.length < 3 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      failed = (await pier.listWebhookDeliveries({ status: 'failed' })).data;
    }
    expect(failed.map((d) => d.connection_id).sort()).toEqual([...doomed].sort());
    expect(failed.every((d) => d.attempts === 2 && d.last_status === 500)).toBe(true);
    // Only these: everything else was delivered.
    expect((await pier.listWebhookDeliveries({ status: 'pending' })).data).toEqual([]);

    receiver.decide = () => 200;
    expect(await pier.replayWebhookDeliveries({ from: since })).toBe(3);
    await receiver.waitFor(() => doomed.every((id) => deliveredConnections().has(id)), 30_000, 'the replayed events');
    expect((await pier.listWebhookDeliveries({ status: 'failed' })).data).toEqual([]);

    const bad = await fetch(`${platform.url}/webhooks/deliveries/replay`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ids: [1], from: since }),
    });
    expect(bad.status).toBe(400);
  });

  it('sends a test event through the SDK, signed and delivered like any other', async () => {
    const sent = await pier.sendTestWebhook();
    expect(sent.deliveries).toBe(1);
    const id = sent.event_id ?? '';
    await receiver.waitFor(() => receiver.accepted.has(id), 30_000, 'the test event');
    expect(JSON.parse(receiver.accepted.get(id) ?? '{}')).toMatchObject({ from: 'nango', type: 'test' });
    const request = receiver.requests.find((r) => r.headers['pier-webhook-id'] === id && r.answered === 200);
    expect(
      await verifyWebhook(request?.body ?? '', (request?.headers ?? {}) as Record<string, string>, signingKey),
    ).toMatchObject({ ok: true, id });
  });
});
