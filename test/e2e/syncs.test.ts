import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Nango } from '@nangohq/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callApi } from '../../sdk/cli/api.js';
import { compileProject, deploymentFunctions } from '../../sdk/cli/compile.js';
import { Pier } from '../../sdk/index.js';
import { type FakeGitHub, startFakeGitHub } from './support/fake-github.js';
import { type RunningPlatform, startPlatform } from './support/platform.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

/** A full pass over the repository's issues each run, with deletion tracking. */
const ISSUES_SYNC = `import { createSync } from 'nango';
import { z } from 'zod';

const Issue = z.object({ id: z.string(), number: z.number(), title: z.string(), state: z.string() });

export default createSync({
  description: 'Issues of acme/widgets',
  frequency: 'every hour',
  autoStart: true,
  models: { Issue },
  exec: async (nango) => {
    await nango.trackDeletesStart('Issue');
    for await (const page of nango.paginate<{ id: number; number: number; title: string; state: string }>({
      endpoint: '/repos/acme/widgets/issues',
      params: { state: 'all' },
      paginate: { type: 'link', limit_name_in_request: 'per_page', link_rel_in_response_header: 'next', limit: 50 },
    })) {
      await nango.batchSave(page.map((i) => ({ id: String(i.id), number: i.number, title: i.title, state: i.state })), 'Issue');
    }
    await nango.trackDeletesEnd('Issue');
  },
});
`;

type Status = {
  syncs: {
    name: string;
    status: string;
    finishedAt: string | null;
    nextScheduledSyncAt: string | null;
    latestResult: Record<string, { added: number; updated: number; deleted: number }>;
    recordCount: Record<string, number>;
  }[];
};

/**
 * Syncs end to end with Nango's SDK as the client: a deployed sync starts when a connection is
 * created, keeps records with exact added / updated / deleted counts, and listRecords with the
 * previous cursor returns exactly what changed.
 */
describe('syncs and records', () => {
  let platform: RunningPlatform;
  let github: FakeGitHub;
  let nango: Nango;
  let signingKey: string;
  const receiver = new WebhookReceiver();

  const status = async () => (await nango.syncStatus('github', ['issues'], 'octo')) as unknown as Status;
  /** Waits for a run that finished after `after` (an ISO time) and returns the status. */
  const runFinishedAfter = async (after: string | null, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const sync = (await status()).syncs[0];
      if (sync?.finishedAt && (!after || sync.finishedAt > after) && sync.status !== 'RUNNING') return sync;
      if (Date.now() > deadline) throw new Error(`no run finished: ${JSON.stringify(sync)}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  };
  const allRecords = async (cursor?: string) => {
    const out: Record<string, any>[] = [];
    let next: string | null | undefined = cursor;
    let pages = 0;
    do {
      const page: { records: Record<string, any>[]; next_cursor: string | null } = await nango.listRecords<
        Record<string, any>
      >({
        providerConfigKey: 'github',
        connectionId: 'octo',
        model: 'Issue',
        limit: 100,
        ...(next ? { cursor: next } : {}),
      });
      out.push(...page.records);
      next = page.next_cursor;
      pages++;
    } while (next && pages < 50);
    return out;
  };

  beforeAll(async () => {
    github = await startFakeGitHub(['gh-token-octo']);
    github.addIssues(120);
    platform = await startPlatform();
    nango = new Nango({ host: platform.url, secretKey: platform.secretKey });
    const pier = new Pier({ host: platform.url, secretKey: platform.secretKey });
    await pier.createProvider({
      name: 'fake-github',
      displayName: 'Fake GitHub',
      auth: { mode: 'API_KEY' },
      api: { baseUrl: github.url, headers: { authorization: 'Bearer ${apiKey}' } },
    });
    await pier.createIntegration({ unique_key: 'github', provider: 'fake-github' });
    await receiver.start();
    await pier.updateEnvironment({ webhook_settings: { primary_url: receiver.url } });
    signingKey = await pier.rotateWebhookSigningKey();
    const project = await mkdtemp(join(tmpdir(), 'pier-syncs-'));
    await mkdir(join(project, 'github/syncs'), { recursive: true });
    await writeFile(join(project, 'index.ts'), "import './github/syncs/issues.js';\n");
    await writeFile(join(project, 'github/syncs/issues.ts'), ISSUES_SYNC);
    const compiled = await compileProject(project, { typeCheck: true });
    await callApi({ host: platform.url, secretKey: platform.secretKey }, 'POST', '/functions/deployments', {
      integrations: ['github'],
      functions: deploymentFunctions(compiled),
    });
  });

  afterAll(async () => {
    await platform?.stop();
    await github?.close();
    await receiver.close();
  });

  it('runs when the connection is created, then reports exactly what changed, and listRecords follows the cursor', async () => {
    await new Pier({ host: platform.url, secretKey: platform.secretKey }).importConnection({
      provider_config_key: 'github',
      connection_id: 'octo',
      credentials: { type: 'API_KEY', apiKey: 'gh-token-octo' },
    });
    const first = await runFinishedAfter(null);
    expect(first.status).toBe('SUCCESS');
    expect(first.latestResult).toEqual({ Issue: { added: 120, updated: 0, deleted: 0 } });
    expect(first.recordCount).toEqual({ Issue: 120 });
    const initial = await allRecords();
    expect(initial).toHaveLength(120);
    expect(new Set(initial.map((r) => r.id)).size).toBe(120);
    expect(initial[0]?._nango_metadata).toMatchObject({ last_action: 'ADDED', deleted_at: null });
    const cursor = initial.at(-1)?._nango_metadata.cursor as string;

    // The provider's data changes: 5 updated, 3 added, 2 deleted.
    for (const n of [1, 2, 3, 4, 5]) github.updateIssue(n, `Issue ${n} (edited)`);
    github.addIssues(3);
    github.removeIssue(10);
    github.removeIssue(11);
    await nango.triggerSync('github', ['issues'], 'octo');
    const second = await runFinishedAfter(first.finishedAt);
    expect(second.latestResult).toEqual({ Issue: { added: 3, updated: 5, deleted: 2 } });
    expect(second.recordCount).toEqual({ Issue: 121 });

    const changes = await allRecords(cursor);
    expect(changes).toHaveLength(10);
    const by = (action: string) =>
      changes
        .filter((r) => r._nango_metadata.last_action === action)
        .map((r) => r.number)
        .sort((a, b) => a - b);
    expect(by('UPDATED')).toEqual([1, 2, 3, 4, 5]);
    expect(by('ADDED')).toEqual([121, 122, 123]);
    expect(by('DELETED')).toEqual([10, 11]);
    expect(changes.find((r) => r.number === 1)?.title).toBe('Issue 1 (edited)');

    // Nothing changed: a run writes nothing, and the cursor has nothing new.
    const cursorAfter = changes.at(-1)?._nango_metadata.cursor as string;
    await nango.triggerSync('github', ['issues'], 'octo');
    const third = await runFinishedAfter(second.finishedAt);
    expect(third.latestResult).toEqual({ Issue: { added: 0, updated: 0, deleted: 0 } });
    expect(await allRecords(cursorAfter)).toEqual([]);

    // The app was told of the two runs that changed something (not of the empty one), in Nango's
    // shape, verifiably signed.
    await receiver.waitFor(() => receiver.accepted.size >= 2, 20_000, 'two sync events');
    await new Promise((r) => setTimeout(r, 500));
    const events = [...receiver.accepted.values()].map((b) => JSON.parse(b) as Record<string, unknown>);
    expect(events.map((e) => e.responseResults)).toEqual([
      { added: 120, updated: 0, deleted: 0 },
      { added: 3, updated: 5, deleted: 2 },
    ]);
    expect(events[1]).toMatchObject({
      from: 'nango',
      type: 'sync',
      connectionId: 'octo',
      providerConfigKey: 'github',
      syncName: 'issues',
      model: 'Issue',
      syncType: 'INCREMENTAL',
      success: true,
      modifiedAfter: expect.any(String),
    });
    const verifier = new Nango({ host: platform.url, secretKey: platform.secretKey, webhookSigningKey: signingKey });
    for (const request of receiver.requests)
      expect(verifier.verifyIncomingWebhookRequest(request.body, request.headers as Record<string, string>)).toBe(true);

    // filter and ids, as the reference takes them.
    const deleted = await nango.listRecords({
      providerConfigKey: 'github',
      connectionId: 'octo',
      model: 'Issue',
      filter: 'deleted',
    });
    expect(deleted.records.map((r) => (r as unknown as { number: number }).number).sort()).toEqual([10, 11]);
    const byIds = await nango.listRecords({
      providerConfigKey: 'github',
      connectionId: 'octo',
      model: 'Issue',
      ids: ['5001', '5002'],
    });
    expect(byIds.records.map((r) => (r as unknown as { id: string }).id).sort()).toEqual(['5001', '5002']);
  });

  it('pauses and starts the schedule, and a full refresh that empties the cache rebuilds the records', async () => {
    await nango.pauseSync('github', ['issues'], 'octo');
    let sync = (await status()).syncs[0];
    expect(sync?.status).toBe('PAUSED');
    expect(sync?.nextScheduledSyncAt).toBeNull();
    await nango.startSync('github', ['issues'], 'octo');
    sync = (await status()).syncs[0];
    expect(sync?.nextScheduledSyncAt).not.toBeNull();
    const before = await runFinishedAfter(null);

    await nango.triggerSync('github', ['issues'], 'octo', { reset: true, emptyCache: true });
    const rebuilt = await runFinishedAfter(before.finishedAt);
    expect(rebuilt.latestResult).toEqual({ Issue: { added: 121, updated: 0, deleted: 0 } });
    expect(await allRecords()).toHaveLength(121);
  });

  it('offers the same through Pier’s backend SDK: records, status, frequency, variants, prune', async () => {
    const pier = new Pier({ host: platform.url, secretKey: platform.secretKey });
    const page = await pier.listRecords<{ number: number }>({
      providerConfigKey: 'github',
      connectionId: 'octo',
      model: 'Issue',
      limit: 5,
    });
    expect(page.records).toHaveLength(5);
    expect(page.next_cursor).toBeTruthy();
    expect(page.records[0]?._nango_metadata.last_action).toBe('ADDED');

    await pier.updateSyncConnectionFrequency('github', 'issues', 'octo', 'every 2 hours');
    const [entry] = (await pier.syncStatus('github', '*', 'octo')).syncs;
    expect(entry).toMatchObject({ name: 'issues', variant: 'base', frequency: 'every 120 minutes' });
    await expect(
      pier.updateSyncConnectionFrequency('github', 'issues', 'octo', 'every 5 seconds'),
    ).rejects.toMatchObject({
      status: 400,
    });

    await pier.createSyncVariant('github', 'octo', 'issues', 'archive');
    const withVariant = await pier.syncStatus('github', '*', 'octo');
    expect(withVariant.syncs.map((s) => s.variant).sort()).toEqual(['archive', 'base']);
    await pier.deleteSyncVariant('github', 'octo', 'issues', 'archive');
    expect((await pier.syncStatus('github', '*', 'octo')).syncs.map((s) => s.variant)).toEqual(['base']);

    const pruned = await pier.pruneRecords({
      providerConfigKey: 'github',
      connectionId: 'octo',
      model: 'Issue',
      untilCursor: page.next_cursor as string,
    });
    expect(pruned).toEqual({ count: 5, has_more: false });
    const after = await pier.listRecords<Record<string, unknown>>({
      providerConfigKey: 'github',
      connectionId: 'octo',
      model: 'Issue',
      limit: 5,
    });
    expect(Object.keys(after.records[0] ?? {}).sort()).toEqual(['_nango_metadata', 'id']);
    expect(after.records[0]?._nango_metadata.pruned_at).toBeTruthy();
  });

  it('refuses bad record queries with clear errors', async () => {
    const get = (
      query: string,
      headers: Record<string, string> = { 'connection-id': 'octo', 'provider-config-key': 'github' },
    ) =>
      fetch(`${platform.url}/records?${query}`, {
        headers: { authorization: `Bearer ${platform.secretKey}`, ...headers },
      });
    const cases: [string, number, string][] = [
      ['model=Nope', 404, 'unknown_model'],
      ['model=Issue&cursor=garbage', 400, 'invalid_query_params'],
      ['model=Issue&limit=0', 400, 'invalid_query_params'],
      ['model=Issue&limit=10001', 400, 'invalid_query_params'],
      ['model=Issue&modified_after=yesterday', 400, 'invalid_query_params'],
      ['model=Issue&filter=changed', 400, 'invalid_query_params'],
      ['limit=5', 400, 'invalid_query_params'],
    ];
    for (const [query, status, code] of cases) {
      const res = await get(query);
      expect([query, res.status, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([
        query,
        status,
        code,
      ]);
    }
    const unknownConnection = await get('model=Issue', { 'connection-id': 'nobody', 'provider-config-key': 'github' });
    expect(unknownConnection.status).toBe(404);
  });
});

/** A sync that checkpoints after every page; the platform is killed while it runs. */
const SLOW_SYNC = `import { createSync } from 'nango';
import { z } from 'zod';

const Issue = z.object({ id: z.string(), number: z.number() });

export default createSync({
  description: 'Issues, slowly, one page at a time with a checkpoint',
  frequency: 'every day',
  autoStart: true,
  models: { Issue },
  checkpoint: z.object({ page: z.number() }),
  exec: async (nango) => {
    const checkpoint = await nango.getCheckpoint<{ page: number }>();
    for (let page = (checkpoint?.page ?? 0) + 1; ; page++) {
      const { data } = await nango.get<{ id: number; number: number }[]>({
        endpoint: '/repos/acme/slow/issues',
        params: { per_page: '50', page: String(page) },
      });
      if (data.length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 400));
      await nango.batchSave(data.map((i) => ({ id: String(i.id), number: i.number })), 'Issue');
      await nango.saveCheckpoint({ page });
    }
    await nango.clearCheckpoint();
  },
});
`;

describe('a sync run killed with the platform', () => {
  it('resumes from its checkpoint after the restart, with no record lost or counted twice', async () => {
    const { freePort } = await import('./support/platform.js');
    const github = await startFakeGitHub(['gh-token-slow']);
    github.addIssues(300);
    const port = await freePort();
    const stateDir = await mkdtemp(join(tmpdir(), 'pier-slow-state-'));
    const secretKey = `e2e_${crypto.randomUUID().replace(/-/g, '')}`;
    const start = () => startPlatform({ port, stateDir, secretKey, env: { PIER_SYNC_SLICE_SECONDS: '5' } });
    let platform = await start();
    try {
      const pier = new Pier({ host: platform.url, secretKey });
      await pier.createProvider({
        name: 'fake-github',
        displayName: 'Fake GitHub',
        auth: { mode: 'API_KEY' },
        api: { baseUrl: github.url, headers: { authorization: 'Bearer ${apiKey}' } },
      });
      await pier.createIntegration({ unique_key: 'github', provider: 'fake-github' });
      const project = await mkdtemp(join(tmpdir(), 'pier-slow-'));
      await mkdir(join(project, 'github/syncs'), { recursive: true });
      await writeFile(join(project, 'index.ts'), "import './github/syncs/slow-issues.js';\n");
      await writeFile(join(project, 'github/syncs/slow-issues.ts'), SLOW_SYNC);
      const compiled = await compileProject(project, { typeCheck: false });
      await callApi({ host: platform.url, secretKey }, 'POST', '/functions/deployments', {
        integrations: ['github'],
        functions: deploymentFunctions(compiled),
      });
      await pier.importConnection({
        provider_config_key: 'github',
        connection_id: 'slow',
        credentials: { type: 'API_KEY', apiKey: 'gh-token-slow' },
      });
      // Once the run is a couple of pages in, kill everything (no graceful stop).
      const slowPages = () => github.requests.filter((r) => r.path === '/repos/acme/slow/issues').length;
      for (const until = Date.now() + 30_000; slowPages() < 2 && Date.now() < until; )
        await new Promise((r) => setTimeout(r, 50));
      await platform.stop({ kill: true });
      const pagesBefore = slowPages();
      expect(pagesBefore).toBeGreaterThanOrEqual(2);
      expect(pagesBefore).toBeLessThan(6);

      platform = await start();
      const nango = new Nango({ host: platform.url, secretKey });
      const deadline = Date.now() + 60_000;
      let sync: Status['syncs'][number] | undefined;
      for (;;) {
        sync = ((await nango.syncStatus('github', ['slow-issues'], 'slow')) as unknown as Status).syncs[0];
        if (sync?.status === 'SUCCESS' || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(sync?.status).toBe('SUCCESS');
      expect(sync?.latestResult).toEqual({ Issue: { added: 300, updated: 0, deleted: 0 } });
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { records: { id: string }[]; next_cursor: string | null } = await nango.listRecords<{ id: string }>(
          {
            providerConfigKey: 'github',
            connectionId: 'slow',
            model: 'Issue',
            limit: 1000,
            ...(cursor ? { cursor } : {}),
          },
        );
        ids.push(...page.records.map((r) => r.id));
        cursor = page.next_cursor;
      } while (cursor);
      expect(ids).toHaveLength(300);
      expect(new Set(ids).size).toBe(300);
      // The resumed run started from the checkpoint, not from page 1 again.
      const firstPages = github.requests.filter((r) => r.path === '/repos/acme/slow/issues');
      expect(firstPages.length).toBeLessThanOrEqual(7 + pagesBefore);
    } finally {
      await platform.stop();
      await github.close();
    }
  });
});
