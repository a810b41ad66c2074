import { env, SELF } from 'cloudflare:test';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { Pier, PierError, ProxyUpstreamError } from '../../../sdk/index.js';
import { runScheduled } from '../../../workers/scheduled.js';
import { eventually } from '../../support/eventually.js';
import { api, BASE, seedEnvironment } from '../support/fixtures.js';

const upstream = inject('providerApi').url;
const SECRET = 'sk-log-secret-9876543210';

describe('backend SDK proxy and pagination, and the operations log', () => {
  let key: string;
  let environmentId: number;
  let pier: Pier;
  const conn = { connectionId: 'c1', providerConfigKey: 'items' };

  beforeAll(async () => {
    ({ key, id: environmentId } = await seedEnvironment({ prefix: 'logs' }));
    pier = new Pier({ secretKey: key, host: BASE, fetch: (input, init) => SELF.fetch(input, init) });
    await pier.createProvider({
      name: 'items-api',
      displayName: 'Items API',
      auth: { mode: 'API_KEY' },
      api: {
        baseUrl: upstream,
        headers: { authorization: 'Bearer ${apiKey}' },
        pagination: {
          type: 'cursor',
          cursorPathInResponse: 'meta.next_cursor',
          cursorNameInRequest: 'cursor',
          limitNameInRequest: 'limit',
          responsePath: 'items',
        },
      },
    });
    await pier.createIntegration({ unique_key: 'items', provider: 'items-api' });
    await pier.importConnection({
      provider_config_key: 'items',
      connection_id: 'c1',
      credentials: { type: 'API_KEY', apiKey: SECRET },
    });
  });

  it('manages connections with typed calls', async () => {
    const got = await pier.getConnection('items', 'c1');
    expect(got.credentials).toMatchObject({ type: 'API_KEY', apiKey: SECRET });
    await pier.importConnection({
      provider_config_key: 'items',
      connection_id: 'gone',
      credentials: { type: 'API_KEY', apiKey: 'k2' },
    });
    expect((await pier.listConnections()).connections.map((c) => c.connection_id).sort()).toEqual(['c1', 'gone']);
    await pier.deleteConnection('items', 'gone');
    const missing = await pier.getConnection('items', 'gone').catch((e: unknown) => e);
    expect((missing as PierError).code).toBe('unknown_connection');
  });

  it('proxies with typed helpers and separates the provider’s errors from Pier’s', async () => {
    const echoed = await pier.post<{ method: string; body: { text: string }; headers: Record<string, string> }>({
      ...conn,
      endpoint: '/echo/things',
      data: { name: 'x' },
      headers: { 'X-Trace': 't-1' },
    });
    expect(echoed.data).toMatchObject({ method: 'POST', body: { text: '{"name":"x"}' } });
    expect(echoed.data.headers['x-trace']).toBe('t-1');
    expect(echoed.retries).toBe(0);

    const upstreamError = await pier
      .get({ ...conn, endpoint: `/flaky/${crypto.randomUUID()}`, params: { fail: 5, status: 404 } })
      .catch((e: unknown) => e);
    expect(upstreamError).toBeInstanceOf(ProxyUpstreamError);
    expect((upstreamError as ProxyUpstreamError).response.status).toBe(404);

    const pierError = await pier.get({ ...conn, connectionId: 'nobody', endpoint: '/echo' }).catch((e: unknown) => e);
    expect(pierError).toBeInstanceOf(PierError);
    expect((pierError as PierError).code).toBe('unknown_connection');

    const kept = await pier.get({
      ...conn,
      endpoint: `/flaky/${crypto.randomUUID()}`,
      params: { fail: 5, status: 404 },
      throwOnUpstreamError: false,
    });
    expect(kept.status).toBe(404);
  });

  it('paginates with the catalog’s cursor settings, and with link and offset overrides', async () => {
    const cursorPages: number[] = [];
    const ids: string[] = [];
    for await (const page of pier.paginate<{ id: string }>({
      ...conn,
      endpoint: '/cursor-items',
      paginate: { limit: 10 },
    })) {
      cursorPages.push(page.length);
      ids.push(...page.map((r) => r.id));
    }
    expect(cursorPages).toEqual([10, 10, 5]);
    expect(new Set(ids).size).toBe(25);

    const linkPages: number[] = [];
    for await (const page of pier.paginate({
      ...conn,
      endpoint: '/link-items',
      params: { per_page: 7 },
      paginate: { type: 'link', link_rel_in_response_header: 'next', response_path: undefined },
    }))
      linkPages.push(page.length);
    expect(linkPages).toEqual([7, 7, 7, 4]);

    const offsetPages: number[] = [];
    for await (const page of pier.paginate({
      ...conn,
      endpoint: '/offset-items',
      paginate: {
        type: 'offset',
        offset_name_in_request: 'offset',
        limit_name_in_request: 'limit',
        response_path: 'data',
        limit: 10,
      },
    }))
      offsetPages.push(page.length);
    expect(offsetPages).toEqual([10, 10, 5]);
  });

  it('records each call without credentials, filters, and pages with a cursor', async () => {
    await pier.get({ ...conn, endpoint: '/echo/secret-check', params: { token: 'caller-token-value', q: 'ok' } });
    await pier.get({ ...conn, endpoint: `/echo/path-with-${SECRET}` });
    await pier.get({ ...conn, endpoint: '/flaky/x', params: { fail: 9, status: 400 }, throwOnUpstreamError: false });
    // Log lines are written after the response; wait until they are there.
    const logs = await eventually(
      () => pier.listLogs({ connection_id: 'c1', limit: 500 }),
      (l) =>
        ['/echo/secret-check', '/echo/path-with-', '/flaky/x'].every((p) => l.data.some((x) => x.path?.startsWith(p))),
    );
    const text = JSON.stringify(logs);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('caller-token-value');
    const secretCheck = logs.data.find((l) => l.path?.startsWith('/echo/secret-check'));
    expect(secretCheck).toMatchObject({
      type: 'proxy',
      outcome: 'success',
      method: 'GET',
      status: 200,
      provider_config_key: 'items',
      provider: 'items-api',
      connection_id: 'c1',
      retries: 0,
    });
    expect(secretCheck?.path).toBe('/echo/secret-check?token=[redacted]&q=ok');
    expect(secretCheck?.bytes).toBeGreaterThan(0);
    expect(logs.data.find((l) => l.path?.startsWith('/echo/path-with-'))?.path).toBe('/echo/path-with-[redacted]');

    // Nothing secret in the stored rows either.
    const rows = await env.DB.prepare('SELECT * FROM operations WHERE environment_id = ?').bind(environmentId).all();
    expect(JSON.stringify(rows.results)).not.toContain(SECRET);

    const failures = await pier.listLogs({ status: 'failure' });
    expect(failures.data.length).toBeGreaterThan(0);
    expect(failures.data.every((l) => l.outcome === 'failure')).toBe(true);
    const byStatus = await pier.listLogs({ status: '400' });
    expect(byStatus.data.every((l) => l.status === 400)).toBe(true);
    const none = await pier.listLogs({ provider_config_key: 'other' });
    expect(none.data).toEqual([]);
    const future = await pier.listLogs({ from: new Date(Date.now() + 60_000).toISOString() });
    expect(future.data).toEqual([]);

    // Walk every page two at a time: each entry once, newest first.
    const all = await pier.listLogs({ limit: 500 });
    const walked: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await pier.listLogs({ limit: 2, ...(cursor ? { cursor } : {}) });
      walked.push(...page.data.map((l) => l.id));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    expect(walked).toEqual(all.data.map((l) => l.id));
  });

  it('logs calls Pier refused, and rejects bad filters', async () => {
    await api(key, 'GET', '/proxy/anything', undefined, { 'connection-id': 'ghost', 'provider-config-key': 'items' });
    let refused: Awaited<ReturnType<Pier['listLogs']>> | undefined;
    for (let i = 0; i < 50; i++) {
      refused = await pier.listLogs({ connection_id: 'ghost' });
      if (refused.data.length > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(refused?.data[0]).toMatchObject({
      outcome: 'failure',
      status: 404,
      error: { code: 'unknown_connection' },
    });
    const bad = await api(key, 'GET', '/logs?status=teapot&limit=0&cursor=%%%');
    expect([bad.status, bad.json.error.code]).toEqual([400, 'invalid_query_params']);
    const badCursor = await api(key, 'GET', '/logs?cursor=bm90LWEtY3Vyc29y');
    expect([badCursor.status, badCursor.json.error.code]).toEqual([400, 'invalid_query_params']);
    const anonymous = await SELF.fetch(`${BASE}/logs`);
    expect(anonymous.status).toBe(401);
  });

  it('writes the lines of concurrent calls in batches: each call once, none lost, none twice', async () => {
    const marker = crypto.randomUUID();
    const calls = await Promise.all(
      Array.from({ length: 40 }, (_, i) => pier.get({ ...conn, endpoint: `/echo/batch-${marker}-${i}` })),
    );
    expect(calls.every((c) => c.status === 200)).toBe(true);
    const mine = (l: { path: string | null }) => Boolean(l.path?.startsWith(`/echo/batch-${marker}-`));
    const logs = await eventually(
      () => pier.listLogs({ connection_id: 'c1', limit: 500 }),
      (l) => l.data.filter(mine).length >= 40,
    );
    const paths = logs.data.filter(mine).map((l) => l.path);
    expect(paths).toHaveLength(40);
    expect(new Set(paths).size).toBe(40);
  });

  it('the scheduled clean-up removes entries past the retention period and keeps the rest', async () => {
    const old = new Date(Date.now() - 16 * 86_400_000).toISOString();
    await env.DB.prepare(
      `INSERT INTO operations (environment_id, type, outcome, duration_ms, retries, created_at, connection_id)
       VALUES (?, 'proxy', 'success', 1, 0, ?, 'ancient')`,
    )
      .bind(environmentId, old)
      .run();
    const before = await pier.listLogs({ connection_id: 'ancient' });
    expect(before.data).toHaveLength(1);
    const kept = (await pier.listLogs({ limit: 500 })).data
      .filter((l) => l.connection_id !== 'ancient')
      .map((l) => l.id);
    const result = await runScheduled(env, '17 * * * *');
    expect(result.prunedOperations).toBeGreaterThanOrEqual(1);
    expect((await pier.listLogs({ connection_id: 'ancient' })).data).toEqual([]);
    // Every recent line stays (a batch written meanwhile may add lines, never remove them).
    const after = new Set((await pier.listLogs({ limit: 500 })).data.map((l) => l.id));
    expect(kept.filter((id) => !after.has(id))).toEqual([]);
  });
});
