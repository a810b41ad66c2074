import { execFile } from 'node:child_process';
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Nango } from '@nangohq/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pier } from '../../sdk/index.js';
import { type FakeGitHub, startFakeGitHub } from './support/fake-github.js';
import { startFakeHubSpot, startFakeSlack, startFakeZendesk } from './support/fake-saas.js';
import { nangoFailure } from './support/nango-failure.js';
import { type RunningPlatform, startPlatform } from './support/platform.js';

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * `examples/integration-scripts`, deployed with the CLI as a user would, each action run through
 * `@nangohq/node` against a fake of the provider's documented API.
 */
describe('examples/integration-scripts', () => {
  let platform: RunningPlatform;
  let github: FakeGitHub;
  let slack: Awaited<ReturnType<typeof startFakeSlack>>;
  let hubspot: Awaited<ReturnType<typeof startFakeHubSpot>>;
  let zendesk: Awaited<ReturnType<typeof startFakeZendesk>>;
  let nango: Nango;
  type SyncStatus = {
    syncs: {
      status: string;
      finishedAt: string | null;
      latestResult: Record<string, unknown>;
      recordCount: Record<string, number>;
    }[];
  };
  /** Waits until the sync's run that finished after `after` is there, and returns its status. */
  const finished = async (integration: string, sync: string, after: string | null = null) => {
    for (const deadline = Date.now() + 30_000; ; ) {
      const status = ((await nango.syncStatus(integration, [sync], 'acme')) as unknown as SyncStatus).syncs[0];
      if (status?.finishedAt && (!after || status.finishedAt > after) && status.status !== 'RUNNING') return status;
      if (Date.now() > deadline) throw new Error(`${integration}/${sync} did not finish: ${JSON.stringify(status)}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  };
  let firstRuns: Record<string, { finishedAt: string | null; latestResult: Record<string, unknown> }> = {};

  beforeAll(async () => {
    github = await startFakeGitHub(['ghp-example']);
    slack = await startFakeSlack('xoxb-example');
    hubspot = await startFakeHubSpot('pat-example');
    zendesk = await startFakeZendesk('zd-example');
    github.addIssues(30);
    hubspot.seed(150);
    zendesk.add(250);
    platform = await startPlatform();
    nango = new Nango({ host: platform.url, secretKey: platform.secretKey });
    const pier = new Pier({ host: platform.url, secretKey: platform.secretKey });
    for (const [key, url, token] of [
      ['github', github.url, 'ghp-example'],
      ['slack', slack.url, 'xoxb-example'],
      ['hubspot', hubspot.url, 'pat-example'],
      ['zendesk', zendesk.url, 'zd-example'],
    ] as const) {
      await pier.createProvider({
        name: `fake-${key}`,
        displayName: `Fake ${key}`,
        auth: { mode: 'API_KEY' },
        api: { baseUrl: url, headers: { authorization: 'Bearer ${apiKey}' } },
      });
      await pier.createIntegration({ unique_key: key, provider: `fake-${key}` });
      await pier.importConnection({
        provider_config_key: key,
        connection_id: 'acme',
        credentials: { type: 'API_KEY', apiKey: token },
      });
    }
    // Deployed from a copy, as a user's own checkout would be.
    const project = await mkdtemp(join(tmpdir(), 'pier-examples-'));
    await cp(join(ROOT, 'examples/integration-scripts'), project, { recursive: true });
    const deployed = await new Promise<{ code: number; out: string }>((done) =>
      execFile(
        join(ROOT, 'node_modules/.bin/tsx'),
        [join(ROOT, 'sdk/cli/main.ts'), 'deploy', '--yes'],
        { cwd: project, env: { ...process.env, PIER_HOST: platform.url, PIER_SECRET_KEY: platform.secretKey } },
        (error, stdout, stderr) => done({ code: error ? 1 : 0, out: stdout + stderr }),
      ),
    );
    expect(deployed.code, deployed.out).toBe(0);
    // The deploy started the syncs for the existing connections (autoStart); the GitHub one needs
    // its repository in the connection's metadata, set before its next run.
    await nango.setMetadata('github', 'acme', { repo: 'acme/widgets' });
    await nango.triggerSync('github', ['issues'], 'acme');
    firstRuns = {
      github: await finished('github', 'issues'),
      hubspot: await finished('hubspot', 'contacts'),
      zendesk: await finished('zendesk', 'tickets'),
    };
    for (;;) {
      // The GitHub sync's first run (before the metadata) synced nothing: wait for the triggered one.
      if ((firstRuns.github?.latestResult as { Issue?: { added: number } } | undefined)?.Issue?.added) break;
      firstRuns.github = await finished('github', 'issues', firstRuns.github?.finishedAt ?? null);
    }
  });

  afterAll(async () => {
    await platform?.stop();
    await Promise.all([github?.close(), slack?.close(), hubspot?.close(), zendesk?.close()]);
  });

  it('the three syncs keep exactly what the providers have, and then exactly what changed', async () => {
    expect(firstRuns.github?.latestResult).toEqual({ Issue: { added: 30, updated: 0, deleted: 0 } });
    expect(firstRuns.hubspot?.latestResult).toEqual({ Contact: { added: 150, updated: 0, deleted: 0 } });
    expect(firstRuns.zendesk?.latestResult).toEqual({ Ticket: { added: 250, updated: 0, deleted: 0 } });

    github.updateIssue(3, 'Issue 3 (edited)');
    github.updateIssue(4, 'Issue 4 (edited)');
    github.addIssues(1);
    hubspot.edit('seed-7@example.com', { firstname: 'Edited' });
    hubspot.edit('seed-8@example.com', { lastname: 'Edited' });
    zendesk.solve(5);
    zendesk.solve(6);
    for (const id of [10, 11, 12]) zendesk.remove(id);
    zendesk.add(4);
    for (const integration of ['github', 'hubspot', 'zendesk']) await nango.triggerSync(integration, [], 'acme');
    const github2 = await finished('github', 'issues', firstRuns.github?.finishedAt ?? null);
    const hubspot2 = await finished('hubspot', 'contacts', firstRuns.hubspot?.finishedAt ?? null);
    const zendesk2 = await finished('zendesk', 'tickets', firstRuns.zendesk?.finishedAt ?? null);
    expect(github2.latestResult).toEqual({ Issue: { added: 1, updated: 2, deleted: 0 } });
    expect(hubspot2.latestResult).toEqual({ Contact: { added: 0, updated: 2, deleted: 0 } });
    expect(zendesk2.latestResult).toEqual({ Ticket: { added: 4, updated: 2, deleted: 3 } });
    expect(zendesk2.recordCount).toEqual({ Ticket: 251 });
    const checkpoint = (
      (await nango.syncStatus('hubspot', ['contacts'], 'acme')) as unknown as {
        syncs: { checkpoint: { modifiedSince: number } }[];
      }
    ).syncs[0]?.checkpoint;
    expect(checkpoint?.modifiedSince).toBeGreaterThan(Date.parse('2026-01-01T00:00:00Z'));
  });

  it('github create-issue opens the issue, and names a missing repository', async () => {
    const issue = await nango.triggerAction('github', 'acme', 'create-issue', {
      owner: 'acme',
      repo: 'web',
      title: 'Checkout fails on Safari',
      labels: ['bug'],
    });
    expect(issue).toEqual({ id: '1001', number: 1, url: 'https://github.example/acme/web/issues/1' });
    expect(github.issues.at(-1)).toMatchObject({ owner: 'acme', repo: 'web', token: 'ghp-example' });
  });

  it('slack post-message posts, and turns ok:false into an ActionError with Slack’s code', async () => {
    expect(await nango.triggerAction('slack', 'acme', 'post-message', { channel: 'C123', text: 'Deployed' })).toEqual({
      channel: 'C123',
      ts: '1700000000.000001',
    });
    expect(slack.messages).toEqual([{ channel: 'C123', text: 'Deployed' }]);
    const missing = await nangoFailure(
      nango.triggerAction('slack', 'acme', 'post-message', { channel: 'C404', text: 'x' }),
    );
    expect(missing.status).toBe(500);
    expect(missing.body.error).toMatchObject({
      code: 'action_script_failure',
      payload: { slack_error: 'channel_not_found' },
    });
  });

  it('hubspot create-contact waits out a 429, creates, and finds the existing contact on a conflict', async () => {
    const first = await nango.triggerAction('hubspot', 'acme', 'create-contact', {
      email: 'ada@example.com',
      firstname: 'Ada',
    });
    expect(first).toEqual({ id: '251', created: true });
    expect(hubspot.calls()).toBe(2); // the 429, then the retry after Retry-After
    expect(await nango.triggerAction('hubspot', 'acme', 'create-contact', { email: 'ada@example.com' })).toEqual({
      id: '251',
      created: false,
    });
    const invalid = await nangoFailure(
      nango.triggerAction('hubspot', 'acme', 'create-contact', { email: 'not-an-email' }),
    );
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.errors[0].path).toEqual(['email']);
  });
});
