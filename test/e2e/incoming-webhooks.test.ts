import { createHmac } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sign } from '@octokit/webhooks-methods';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callApi } from '../../sdk/cli/api.js';
import { compileProject, deploymentFunctions } from '../../sdk/cli/compile.js';
import { Pier } from '../../sdk/index.js';
import { type RunningPlatform, startPlatform } from './support/platform.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

const GITHUB_SECRET = 'gh-webhook-secret';
const STRIPE_SECRET = 'whsec_test_secret';
const SLACK_SECRET = 'slack-signing-secret';

/** Syncs whose `onWebhook` handlers turn provider events into records. */
const SCRIPTS: Record<string, string> = {
  'gh/syncs/issues': `import { createSync } from 'nango';
import { z } from 'zod';
const Issue = z.object({ id: z.string(), number: z.number(), title: z.string(), state: z.string() });
export default createSync({
  description: 'Issues, kept current by webhooks',
  frequency: 'every day',
  autoStart: false,
  models: { Issue },
  webhookSubscriptions: ['issues'],
  exec: async () => {},
  onWebhook: async (nango, payload: any) => {
    const issue = { id: String(payload.issue.id), number: payload.issue.number, title: payload.issue.title, state: payload.issue.state };
    if (payload.action === 'deleted') await nango.batchDelete([{ id: issue.id }], 'Issue');
    else await nango.batchSave([issue], 'Issue');
  },
});
`,
  'pay/syncs/customers': `import { createSync } from 'nango';
import { z } from 'zod';
const Customer = z.object({ id: z.string(), email: z.string() });
export default createSync({
  description: 'Customers from Stripe events',
  frequency: 'every day',
  autoStart: false,
  models: { Customer },
  webhookSubscriptions: ['customer.created', 'customer.updated'],
  exec: async () => {},
  onWebhook: async (nango, event: any) => {
    await nango.batchSave([{ id: event.data.object.id, email: event.data.object.email }], 'Customer');
  },
});
`,
};

async function writeProject(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pier-incoming-'));
  for (const path of Object.keys(SCRIPTS)) await mkdir(join(dir, path, '..'), { recursive: true });
  await writeFile(
    join(dir, 'index.ts'),
    Object.keys(SCRIPTS)
      .map((p) => `import './${p}.js';\n`)
      .join(''),
  );
  for (const [path, code] of Object.entries(SCRIPTS)) await writeFile(join(dir, `${path}.ts`), code);
  return dir;
}

type Example = { name: string; examples: Record<string, any>[] };
const examples = createRequire(import.meta.url)('@octokit/webhooks-examples/api.github.com/index.json') as Example[];
const issueEvents = examples.find((e) => e.name === 'issues')?.examples ?? [];
const reopened = issueEvents.find((e) => e.action === 'reopened' && e.installation) as Record<string, any>;
const deleted = issueEvents.find((e) => e.action === 'deleted' && e.installation) as Record<string, any>;

/**
 * Provider webhooks on the local platform: real GitHub payloads signed by `@octokit/webhooks-methods`
 * and Stripe events signed by `stripe`'s test helper reach the connection their payload names, run
 * its sync's `onWebhook` handler (records saved), and are forwarded to the app; tampered or stale
 * ones are refused; Slack's URL verification is answered.
 */
describe('provider webhooks', () => {
  let platform: RunningPlatform;
  let pier: Pier;
  let environmentUuid: string;
  const receiver = new WebhookReceiver();
  const hookUrl = (integration: string) => `${platform.url}/webhook/${environmentUuid}/${integration}`;

  const postGithub = async (payload: unknown, options: { tamper?: boolean } = {}) => {
    const body = JSON.stringify(payload);
    const signature = await sign(GITHUB_SECRET, body);
    return fetch(hookUrl('gh'), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'issues',
        'x-github-delivery': crypto.randomUUID(),
        'x-hub-signature-256': signature,
      },
      body: options.tamper ? body.replace('Spelling', 'Spelling!') : body,
    });
  };
  const records = async (integration: string, connectionId: string, model: string) =>
    (await pier.listRecords<Record<string, unknown>>({ providerConfigKey: integration, connectionId, model })).records;
  const eventually = async <T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const value = await read();
      if (ok(value)) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  beforeAll(async () => {
    await receiver.start();
    platform = await startPlatform();
    pier = new Pier({ host: platform.url, secretKey: platform.secretKey });
    environmentUuid = (await pier.getEnvironment()).uuid;
    await pier.updateEnvironment({ webhook_settings: { primary_url: receiver.url } });
    // Providers declared like the catalog's github-app and stripe (their webhook fields copied from
    // the catalog itself), with API-key auth so connections can be imported.
    for (const [name, from, field] of [
      ['gh-like', 'github-app', 'installation_id'],
      ['stripe-like', 'stripe', 'stripe_user_id'],
    ] as const) {
      const builtin = (await pier.getProvider(from)) as Record<string, unknown>;
      await pier.createProvider({
        name,
        display_name: name,
        auth_mode: 'API_KEY',
        proxy: { base_url: 'http://127.0.0.1:9' },
        connection_config: { [field]: { type: 'string', title: field } },
        ...Object.fromEntries(Object.entries(builtin).filter(([k]) => k.startsWith('webhook_'))),
      } as never);
    }
    await pier.createIntegration({
      unique_key: 'gh',
      provider: 'gh-like',
      credentials: { type: 'WEBHOOK_ONLY', webhook_secret: GITHUB_SECRET },
    });
    await pier.createIntegration({
      unique_key: 'pay',
      provider: 'stripe-like',
      forward_webhooks: false,
      credentials: { type: 'WEBHOOK_ONLY', webhook_secret: STRIPE_SECRET },
    });
    await pier.createIntegration({
      unique_key: 'slack',
      provider: 'slack',
      credentials: { type: 'OAUTH2', client_id: 'c', client_secret: 's', webhook_secret: SLACK_SECRET },
    });
    for (const [integration, connectionId, config] of [
      ['gh', 'inst-1', { installation_id: String(reopened.installation.id) }],
      // A second connection of the same installation: one event reaches both.
      ['gh', 'inst-1-twin', { installation_id: String(reopened.installation.id) }],
      ['gh', 'inst-other', { installation_id: '424242' }],
      ['pay', 'acct-1', { stripe_user_id: 'acct_1' }],
    ] as const)
      await pier.importConnection({
        provider_config_key: integration,
        connection_id: connectionId,
        credentials: { type: 'API_KEY', apiKey: 'k' },
        connection_config: config,
      });
    const compiled = await compileProject(await writeProject(), { typeCheck: false });
    await callApi({ host: platform.url, secretKey: platform.secretKey }, 'POST', '/functions/deployments', {
      integrations: ['gh', 'pay'],
      functions: deploymentFunctions(compiled),
    });
  });

  afterAll(async () => {
    await platform?.stop();
    await receiver.close();
  });

  it('routes a signed GitHub event to its installation’s connection, runs onWebhook, forwards it', async () => {
    const res = await postGithub(reopened);
    expect(res.status).toBe(200);
    const saved = await eventually(
      () => records('gh', 'inst-1', 'Issue'),
      (r) => r.length === 1,
      'the issue record',
    );
    expect(saved[0]).toMatchObject({ id: String(reopened.issue.id), title: reopened.issue.title, state: 'open' });
    expect(saved[0]?._nango_metadata).toMatchObject({ last_action: 'ADDED' });
    expect(await records('gh', 'inst-other', 'Issue')).toEqual([]);
    const twin = await eventually(
      () => records('gh', 'inst-1-twin', 'Issue'),
      (r) => r.length === 1,
      'the twin connection’s record',
    );
    expect(twin[0]?.id).toBe(String(reopened.issue.id));

    // The app hears of it twice: the forwarded event, and the sync's WEBHOOK run with its change.
    await receiver.waitFor(() => receiver.accepted.size >= 4, 20_000, 'forward and sync events of both');
    const bodies = [...receiver.accepted.values()].map((b) => JSON.parse(b) as Record<string, any>);
    expect(
      bodies
        .filter((b) => b.type === 'forward')
        .map((b) => b.connectionId)
        .sort(),
    ).toEqual(['inst-1', 'inst-1-twin']);
    expect(bodies.find((b) => b.type === 'forward' && b.connectionId === 'inst-1')).toEqual({
      from: 'gh-like',
      type: 'forward',
      connectionId: 'inst-1',
      providerConfigKey: 'gh',
      payload: reopened,
    });
    expect(bodies.find((b) => b.type === 'sync' && b.connectionId === 'inst-1')).toMatchObject({
      connectionId: 'inst-1',
      syncName: 'issues',
      model: 'Issue',
      syncType: 'WEBHOOK',
      success: true,
      responseResults: { added: 1, updated: 0, deleted: 0 },
    });

    // The same issue deleted: the handler deletes the record.
    expect((await postGithub(deleted)).status).toBe(200);
    await eventually(
      () => records('gh', 'inst-1', 'Issue'),
      (r) => r[0]?._nango_metadata?.last_action === 'DELETED',
      'the deletion',
    );
  });

  it('runs onWebhook for every variant the connection has of the sync, each into its own records', async () => {
    await pier.createSyncVariant('gh', 'inst-other', 'issues', 'open-only');
    const event = { ...reopened, installation: { ...reopened.installation, id: 424242 } };
    expect((await postGithub(event)).status).toBe(200);
    for (const variant of ['base', 'open-only'])
      await eventually(
        async () =>
          (
            await pier.listRecords<Record<string, unknown>>({
              providerConfigKey: 'gh',
              connectionId: 'inst-other',
              model: 'Issue',
              variant,
            })
          ).records,
        (r) => r.length === 1 && r[0]?.id === String(reopened.issue.id),
        `the ${variant} variant's record`,
      );
  });

  it('refuses a tampered GitHub signature and logs the refusal', async () => {
    const res = await postGithub(reopened, { tamper: true });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_webhook_signature');
    const unsigned = await fetch(hookUrl('gh'), { method: 'POST', body: '{}' });
    expect(unsigned.status).toBe(401);
    expect(((await unsigned.json()) as { error: { code: string } }).error.code).toBe('missing_webhook_signature');
    expect(
      (await fetch(`${platform.url}/webhook/${environmentUuid}/nope`, { method: 'POST', body: '{}' })).status,
    ).toBe(404);
    const logs = await eventually(
      () => pier.listLogs({ type: 'webhook', status: 'failure' }),
      (l) => l.data.some((line) => line.error?.code === 'invalid_webhook_signature'),
      'the refusal in the log',
    );
    expect(logs.data.length).toBeGreaterThan(0);
  });

  it('logs an event no connection matches (never dropped silently)', async () => {
    const stranger = { ...reopened, installation: { ...reopened.installation, id: 999 } };
    expect((await postGithub(stranger)).status).toBe(200);
    await eventually(
      () => pier.listLogs({ type: 'webhook', status: 'failure' }),
      (l) => l.data.some((line) => line.error?.code === 'webhook_unroutable'),
      'the unroutable event in the log',
    );
  });

  it('takes Stripe events signed by stripe’s helper, and refuses a stale timestamp', async () => {
    const stripe = new Stripe('sk_test_unused');
    const event = {
      id: 'evt_test_1',
      object: 'event',
      type: 'customer.created',
      account: 'acct_1',
      data: { object: { id: 'cus_1', object: 'customer', email: 'ada@example.com' } },
    };
    const payload = JSON.stringify(event);
    const post = (header: string) =>
      fetch(hookUrl('pay'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': header },
        body: payload,
      });
    const ok = await post(stripe.webhooks.generateTestHeaderString({ payload, secret: STRIPE_SECRET }));
    expect(ok.status).toBe(200);
    await eventually(
      () => records('pay', 'acct-1', 'Customer'),
      (r) => r.length === 1 && r[0]?.email === 'ada@example.com',
      'the customer record',
    );
    // Stripe retrying the same event: acknowledged once more, processed once.
    const again = await post(stripe.webhooks.generateTestHeaderString({ payload, secret: STRIPE_SECRET }));
    expect(await again.json()).toEqual({ received: true, duplicate: true });

    const stale = await post(
      stripe.webhooks.generateTestHeaderString({
        payload,
        secret: STRIPE_SECRET,
        timestamp: Math.floor(Date.now() / 1000) - 3600,
      }),
    );
    expect(stale.status).toBe(401);
    expect(((await stale.json()) as { error: { code: string } }).error.code).toBe('stale_webhook_timestamp');
    const wrongKey = await post(stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_other' }));
    expect(wrongKey.status).toBe(401);
  });

  it('answers Slack’s URL verification once the request is signed by Slack', async () => {
    const body = JSON.stringify({ token: 't', challenge: 'c-123', type: 'url_verification' });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = `v0=${createHmac('sha256', SLACK_SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;
    const post = (sig: string) =>
      fetch(hookUrl('slack'), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-slack-request-timestamp': timestamp,
          'x-slack-signature': sig,
        },
        body,
      });
    const res = await post(signature);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: 'c-123' });
    expect((await post(`v0=${'0'.repeat(64)}`)).status).toBe(401);
  });
});
