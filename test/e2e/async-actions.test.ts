import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Nango } from '@nangohq/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callApi } from '../../sdk/cli/api.js';
import { compileProject, deploymentFunctions } from '../../sdk/cli/compile.js';
import { Pier } from '../../sdk/index.js';
import { type FakeGitHub, startFakeGitHub } from './support/fake-github.js';
import { freePort, type RunningPlatform, startPlatform } from './support/platform.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

const ACTIONS: Record<string, string> = {
  // Creates an issue after waiting: a stop during the wait kills the run before it has done anything.
  'slow-issue': `import { createAction } from 'nango';
import { z } from 'zod';
export default createAction({
  description: 'Waits, then creates an issue',
  input: z.object({ title: z.string(), delayMs: z.number() }),
  output: z.object({ number: z.number() }),
  exec: async (nango, input) => {
    await new Promise((resolve) => setTimeout(resolve, input.delayMs));
    const { data } = await nango.post({ endpoint: '/repos/acme/widgets/issues', data: { title: input.title } });
    return { number: data.number };
  },
});
`,
  // Fails until its third attempt, counting attempts in the connection's metadata.
  flaky: `import { createAction } from 'nango';
import { z } from 'zod';
export default createAction({
  description: 'Fails twice',
  input: z.object({ key: z.string() }),
  output: z.object({ attempt: z.number() }),
  exec: async (nango, input) => {
    const metadata = await nango.getMetadata<Record<string, number>>();
    const attempt = (metadata[input.key] ?? 0) + 1;
    await nango.updateMetadata({ [input.key]: attempt });
    if (attempt < 3) throw new Error('not yet (attempt ' + attempt + ')');
    return { attempt };
  },
});
`,
};

async function writeProject(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pier-async-'));
  await mkdir(join(dir, 'github/actions'), { recursive: true });
  await writeFile(
    join(dir, 'index.ts'),
    Object.keys(ACTIONS)
      .map((n) => `import './github/actions/${n}.js';\n`)
      .join(''),
  );
  for (const [name, code] of Object.entries(ACTIONS)) await writeFile(join(dir, `github/actions/${name}.ts`), code);
  return dir;
}

/**
 * Asynchronous actions on the real platform: `X-Async` answers at once with an id, the connection's
 * Durable Object runs the action, `X-Max-Retries` retries failures, and a run killed by a platform
 * stop is run again after the restart.
 */
describe('async actions', () => {
  let platform: RunningPlatform;
  let github: FakeGitHub;
  let nango: Nango;
  const receiver = new WebhookReceiver();
  const port = freePort();
  const stateDir = mkdtemp(join(tmpdir(), 'pier-async-state-'));
  const secretKey = `e2e_${crypto.randomUUID().replace(/-/g, '')}`;
  const start = async () =>
    startPlatform({
      port: await port,
      stateDir: await stateDir,
      secretKey,
      // Short runs, so a lost run's lease ends within the test.
      env: { PIER_ACTION_TIMEOUT_SECONDS: '3' },
    });
  const trigger = async (action: string, input: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${platform.url}/action/trigger`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${secretKey}`,
        'content-type': 'application/json',
        'connection-id': 'octo',
        'provider-config-key': 'github',
        'x-async': 'true',
        ...headers,
      },
      body: JSON.stringify({ action_name: action, input }),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as { id: string; statusUrl: string };
  };
  const result = async (id: string, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await fetch(`${platform.url}/action/${id}`, { headers: { authorization: `Bearer ${secretKey}` } });
      const body = (await res.json()) as { error?: { code: string } };
      if (res.status !== 404 || body.error?.code !== 'action_not_completed' || Date.now() > deadline)
        return { status: res.status, body };
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  beforeAll(async () => {
    github = await startFakeGitHub(['gh-token-octo']);
    platform = await start();
    nango = new Nango({ host: platform.url, secretKey });
    const client = new Pier({ host: platform.url, secretKey });
    await client.createProvider({
      name: 'fake-github',
      displayName: 'Fake GitHub',
      auth: { mode: 'API_KEY' },
      api: { baseUrl: github.url, headers: { authorization: 'Bearer ${apiKey}' } },
    });
    await client.createIntegration({ unique_key: 'github', provider: 'fake-github' });
    await receiver.start();
    await client.updateEnvironment({
      webhook_settings: { primary_url: receiver.url, on_async_action_completion: true },
    });
    await client.importConnection({
      provider_config_key: 'github',
      connection_id: 'octo',
      credentials: { type: 'API_KEY', apiKey: 'gh-token-octo' },
    });
    const compiled = await compileProject(await writeProject(), { typeCheck: false });
    await callApi({ host: platform.url, secretKey }, 'POST', '/functions/deployments', {
      integrations: ['github'],
      functions: deploymentFunctions(compiled),
    });
  });

  afterAll(async () => {
    await platform?.stop();
    await github?.close();
    await receiver.close();
  });

  it('answers at once and keeps the result for @nangohq/node', async () => {
    const started = Date.now();
    const { id, statusUrl } = (await nango.triggerActionAsync('github', 'octo', 'slow-issue', {
      title: 'async',
      delayMs: 300,
    })) as { id: string; statusUrl: string };
    expect(Date.now() - started).toBeLessThan(300);
    expect(statusUrl).toBe(`/action/${id}`);
    expect(await result(id)).toEqual({ status: 200, body: { number: 1 } });
    expect(await nango.getAsyncActionResult({ id })).toEqual({ number: 1 });
    expect(await nango.getAsyncActionResult({ statusUrl })).toEqual({ number: 1 });
    // on_async_action_completion: the app hears that it finished.
    await receiver.waitFor(
      () => [...receiver.accepted.values()].some((b) => b.includes(id)),
      10_000,
      'the async_action event',
    );
    const event = [...receiver.accepted.values()].map((b) => JSON.parse(b)).find((b) => b.payload?.id === id);
    expect(event).toEqual({
      from: 'nango',
      type: 'async_action',
      connectionId: 'octo',
      providerConfigKey: 'github',
      payload: { id, statusUrl },
    });
  });

  it('retries a failing action as many times as X-Max-Retries asks, and reports the failure without', async () => {
    // Pier's backend SDK: the same through triggerActionAsync's maxRetries.
    const client = new Pier({ host: platform.url, secretKey });
    const retried = await client.triggerActionAsync('github', 'octo', 'flaky', { key: 'retried' }, { maxRetries: 3 });
    expect(await client.getAsyncActionResult(retried)).toBeUndefined();
    expect(await result(retried.id)).toEqual({ status: 200, body: { attempt: 3 } });
    expect(await client.getAsyncActionResult({ id: retried.id })).toEqual({ attempt: 3 });

    const once = await trigger('flaky', { key: 'once' });
    const failed = await result(once.id);
    expect(failed.status).toBe(500);
    expect(failed.body).toMatchObject({
      error: { code: 'action_script_failure', payload: { code: 'script_error', attempts: 1 } },
    });

    const invalid = await fetch(`${platform.url}/action/trigger`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${secretKey}`,
        'content-type': 'application/json',
        'connection-id': 'octo',
        'provider-config-key': 'github',
        'x-async': 'true',
        'x-max-retries': '9',
      },
      body: JSON.stringify({ action_name: 'flaky', input: { key: 'x' } }),
    });
    expect(invalid.status).toBe(400);
    const unknown = await fetch(`${platform.url}/action/00000000-0000-4000-8000-000000000000`, {
      headers: { authorization: `Bearer ${secretKey}` },
    });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('unknown_async_action');
  });

  it('runs an action killed with the platform (SIGKILL) again after the restart, to completion once', async () => {
    const before = github.issues.length;
    const { id } = await trigger('slow-issue', { title: 'survives a restart', delayMs: 2_000 });
    // Let the attempt get under way, then kill the platform in the middle of it (no graceful stop).
    await new Promise((r) => setTimeout(r, 600));
    await platform.stop({ kill: true });
    expect(github.issues.length).toBe(before);

    platform = await start();
    const outcome = await result(id, 30_000);
    expect(outcome.status).toBe(200);
    expect(github.issues.length).toBe(before + 1);
    expect(github.issues.at(-1)?.title).toBe('survives a restart');
  });
});
