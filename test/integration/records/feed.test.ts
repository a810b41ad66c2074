import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { connectionStub } from '../../../durable-objects/connection-name.js';
import { recordHash } from '../../../sdk/scripts/canonical.js';
import { api, seedApiKeyIntegration, seedEnvironment } from '../support/fixtures.js';

/** A batch as a script's request body carries it to the connection's object. */
const batchBody = (records: unknown[]) => JSON.stringify({ records });

/**
 * The change feed under concurrent writes: a reader pages `GET /records` while the connection's
 * object writes batches of changes; the reader sees every record's latest change once, each change
 * at most once, and the changes of one record in order.
 */
describe('records change feed', () => {
  let key: string;
  let environmentId: number;
  let place: { connectionRowId: number; recordsDb: string };
  let integrationId: number;

  beforeAll(async () => {
    ({ key, id: environmentId } = await seedEnvironment({ prefix: 'records' }));
    await seedApiKeyIntegration(key, {
      provider: 'feed-api',
      integration: 'feed',
      connections: ['c1'],
      baseUrl: 'https://feed.example',
    });
    const deployed = await api(key, 'POST', '/functions/deployments', {
      integrations: ['feed'],
      functions: [
        {
          integration: 'feed',
          name: 'items',
          type: 'sync',
          frequency: 'every day',
          auto_start: false,
          models: {
            Item: { type: 'object' },
            Odd: { type: 'object' },
            Big: { type: 'object' },
            Diff: { type: 'object' },
          },
          bundle: 'export default { fetch: () => Response.json({ ok: true, output: null, logs: [] }) };',
        },
      ],
    });
    expect(deployed.status).toBe(200);
    const row = await env.DB.prepare(
      `SELECT c.id AS id, c.integration_id AS integrationId FROM connections c WHERE c.environment_id = ? AND c.connection_id = 'c1'`,
    )
      .bind(environmentId)
      .first<{ id: number; integrationId: number }>();
    if (!row) throw new Error('no connection');
    place = { connectionRowId: row.id, recordsDb: 'DB' };
    integrationId = row.integrationId;
    await env.DB.prepare('UPDATE connections SET records_db = ? WHERE id = ?').bind('DB', row.id).run();
  });

  const page = (cursor: string | null) =>
    api(key, 'GET', `/records?model=Item&limit=37${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, undefined, {
      'connection-id': 'c1',
      'provider-config-key': 'feed',
    });

  it('never skips a record’s latest change and never returns a change twice while writes go on', async () => {
    const stub = connectionStub(env, { environmentId, integrationId, connectionId: 'c1' });
    const latest = new Map<string, number>();
    let writing = true;
    const writer = (async () => {
      for (let batch = 0; batch < 25; batch++) {
        const records: { id: string; v: number }[] = [];
        for (let i = 0; i < 40; i++) {
          // New records and changes to records written before, mixed.
          const id = String(batch % 2 === 0 ? batch * 40 + i : (i * 7 + batch) % (batch * 40 || 1));
          const v = (latest.get(id) ?? 0) + 1;
          latest.set(id, v);
          records.push({ id, v });
        }
        const byId = new Map(records.map((r) => [r.id, r]));
        for (const [id, r] of byId) latest.set(id, r.v);
        await stub.writeRecords({
          place,
          op: 'save',
          model: 'Item',
          variant: 'base',
          body: batchBody([...byId.values()]),
        });
      }
      writing = false;
    })();

    const seen: { id: string; v: number }[] = [];
    let cursor: string | null = null;
    let idle = 0;
    while (writing || idle < 2) {
      const res = await page(cursor);
      expect(res.status).toBe(200);
      const records = res.json.records as { id: string; v: number; _nango_metadata: { cursor: string } }[];
      for (const r of records) seen.push({ id: r.id, v: r.v });
      if (records.length > 0) cursor = records.at(-1)?._nango_metadata.cursor ?? cursor;
      if (records.length === 0 && !writing) idle++;
    }
    await writer;

    const pairs = seen.map((s) => `${s.id}@${s.v}`);
    expect(new Set(pairs).size).toBe(pairs.length);
    const lastSeen = new Map<string, number>();
    for (const s of seen) {
      expect(s.v, `record ${s.id} went back in time`).toBeGreaterThan(lastSeen.get(s.id) ?? 0);
      lastSeen.set(s.id, s.v);
    }
    expect(lastSeen).toEqual(latest);
  });

  it('returns each record exactly as saved, with its metadata, whatever its strings hold', async () => {
    const stub = connectionStub(env, { environmentId, integrationId, connectionId: 'c1' });
    const write = (op: 'save' | 'delete', model: string, records: unknown[]) =>
      stub.writeRecords({ place, op, model, variant: 'base', body: batchBody(records) });
    const odd = [
      { id: 'sep', text: 'a\u0001b\u0000c', nested: { list: [1, 'x\u0001', { deep: null }] } },
      { id: 'quote"d', text: 'say "hi" \\ back\nslash', emoji: '🦜 ünïcödé', empty: {} },
      { id: 'spaces and - dashes', n: 1.5e-7, t: true, f: false },
    ];
    await write('save', 'Odd', odd);
    await write('delete', 'Odd', [{ id: 'spaces and - dashes' }]);
    const res = await api(key, 'GET', '/records?model=Odd&limit=10', undefined, {
      'connection-id': 'c1',
      'provider-config-key': 'feed',
    });
    expect(res.status).toBe(200);
    const records = res.json.records as Record<string, unknown>[];
    expect(records.map(({ _nango_metadata, ...rest }) => rest)).toEqual(odd);
    const metadata = records.map((r) => r._nango_metadata as Record<string, unknown>);
    expect(metadata.map((m) => m.last_action)).toEqual(['ADDED', 'ADDED', 'DELETED']);
    expect(metadata[0]).toEqual({
      first_seen_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      last_modified_at: metadata[0]?.first_seen_at,
      last_action: 'ADDED',
      deleted_at: null,
      pruned_at: null,
      cursor: expect.any(String),
    });
    expect(metadata[2]?.deleted_at).toEqual(metadata[2]?.last_modified_at);
    expect(res.json.next_cursor).toBeNull();
  });

  it('stops a page at the size budget and continues from its cursor', async () => {
    const stub = connectionStub(env, { environmentId, integrationId, connectionId: 'c1' });
    // Ten records of ~900,000 characters: nine fit in the 8 MiB budget of one page.
    const big = 'y'.repeat(900_000);
    for (let i = 0; i < 10; i += 2)
      await stub.writeRecords({
        place,
        op: 'save',
        model: 'Big',
        variant: 'base',
        body: batchBody([
          { id: `b${i}`, big },
          { id: `b${i + 1}`, big },
        ]),
      });
    const read = (cursor?: string) =>
      api(key, 'GET', `/records?model=Big&limit=100${cursor ? `&cursor=${cursor}` : ''}`, undefined, {
        'connection-id': 'c1',
        'provider-config-key': 'feed',
      });
    const first = await read();
    expect(first.status, JSON.stringify(first.json).slice(0, 300)).toBe(200);
    expect(first.json.records.map((r: { id: string }) => r.id)).toEqual([
      'b0',
      'b1',
      'b2',
      'b3',
      'b4',
      'b5',
      'b6',
      'b7',
      'b8',
    ]);
    expect(first.json.next_cursor).toBe(first.json.records[8]._nango_metadata.cursor);
    const second = await read(first.json.next_cursor);
    expect(second.json.records.map((r: { id: string }) => r.id)).toEqual(['b9']);
    expect(second.json.next_cursor).toBeNull();
  });

  it('refuses a deleted key at once, though page reads remember key checks', async () => {
    const made = await api(key, 'POST', '/environment/api-keys', {
      environment_id: environmentId,
      display_name: 'reader',
    });
    expect(made.status).toBe(200);
    const read = () =>
      api(made.json.data.secret, 'GET', '/records?model=Item&limit=1', undefined, {
        'connection-id': 'c1',
        'provider-config-key': 'feed',
      });
    expect((await read()).status).toBe(200);
    const deleted = await api(key, 'DELETE', '/environment/api-keys', {
      environment_id: environmentId,
      key_id: made.json.data.id,
    });
    expect(deleted.status).toBe(200);
    expect((await read()).status).toBe(401);
  });

  it('tells which records would change from their hashes: new, changed and deleted ones, in any order', async () => {
    const stub = connectionStub(env, { environmentId, integrationId, connectionId: 'c1' });
    const records = [
      { id: 'd1', v: 1 },
      { id: 'd2', v: 1 },
      { id: 'd3', v: 1 },
    ];
    await stub.writeRecords({ place, op: 'save', model: 'Diff', variant: 'base', body: batchBody(records) });
    await stub.writeRecords({ place, op: 'delete', model: 'Diff', variant: 'base', body: batchBody([{ id: 'd2' }]) });
    const asked = [
      { id: 'd4', v: 1 },
      { id: 'd3', v: 2 },
      { id: 'd2', v: 1 },
      { id: 'd1', v: 1 },
      { id: 'd1', v: 1 },
    ];
    const hashes = await Promise.all(asked.map((r) => recordHash(r)));
    const changed = await stub.diffRecords({
      place,
      model: 'Diff',
      variant: 'base',
      ids: asked.map((r) => r.id),
      hashes: hashes.join(''),
    });
    // d1 is stored as asked (twice); d2 is deleted (saving it revives it); d3 differs; d4 is new.
    expect(changed).toEqual(['d4', 'd3', 'd2']);
  });

  it('detects unchanged records by content and counts what changed', async () => {
    const stub = connectionStub(env, { environmentId, integrationId, connectionId: 'c1' });
    const write = (records: unknown[]) =>
      stub.writeRecords({
        place,
        op: 'save',
        model: 'Item',
        variant: 'base',
        body: batchBody(records),
        runId: 'r1',
      });
    expect(await write([{ id: 'x', a: 1, b: [1, 2] }])).toMatchObject({ added: 1, updated: 0, unchanged: 0 });
    // The same content in another key order is unchanged.
    expect(await write([{ b: [1, 2], a: 1, id: 'x' }])).toMatchObject({ added: 0, updated: 0, unchanged: 1 });
    expect(await write([{ id: 'x', a: 2, b: [1, 2] }])).toMatchObject({ updated: 1 });
    expect(
      await stub.writeRecords({
        place,
        op: 'update',
        model: 'Item',
        variant: 'base',
        body: batchBody([
          { id: 'x', b: [3] },
          { id: 'nope', a: 1 },
        ]),
        runId: 'r1',
      }),
    ).toMatchObject({ updated: 1, missing: 1 });
    const after = await api(key, 'GET', '/records?model=Item&ids=x', undefined, {
      'connection-id': 'c1',
      'provider-config-key': 'feed',
    });
    expect(after.json.records[0]).toMatchObject({ id: 'x', a: 2, b: [3], _nango_metadata: { last_action: 'UPDATED' } });
    expect(
      await stub.writeRecords({
        place,
        op: 'delete',
        model: 'Item',
        variant: 'base',
        body: batchBody([{ id: 'x' }]),
        runId: 'r1',
      }),
    ).toMatchObject({ deleted: 1 });
    expect(await stub.takeRunCounts('r1')).toEqual({ Item: { added: 1, updated: 2, deleted: 1 } });
    expect(await stub.takeRunCounts('r1')).toEqual({});
  });
});
