import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { connectionObjectName, connectionStub } from '../../../durable-objects/connection-name.js';
import type { ConnectionObject } from '../../../durable-objects/connection-object.js';
import { migrate } from '../../../durable-objects/connection-storage.js';

const ref = { environmentId: 9001, integrationId: 7, connectionId: 'object-test' };

describe('ConnectionObject', () => {
  it('is named from environment, integration id and connection id by one helper', () => {
    expect(connectionObjectName({ environmentId: 1, integrationId: 7, connectionId: 'user/42' })).toBe(
      'env:1/integration:7/connection:user%2F42',
    );
  });

  it('stores credentials sealed, serves them, and refuses to be rebound to another connection', async () => {
    const stub = connectionStub(env, ref);
    expect(await stub.getToken()).toMatchObject({ ok: false, reason: 'no_credentials' });
    const stored = await stub.store({
      ref,
      environmentUuid: 'u',
      credentials: { type: 'BASIC', username: 'ann', password: 'hunter2' },
    });
    expect(stored).toEqual({ ok: true, expiresAtMs: null });
    expect(await stub.getToken()).toEqual({
      ok: true,
      credentials: { type: 'BASIC', username: 'ann', password: 'hunter2' },
      refreshed: false,
    });
    const other = await stub.store({
      ref: { ...ref, connectionId: 'someone-else' },
      environmentUuid: 'u',
      credentials: { type: 'NONE' },
    });
    expect(other).toEqual({ ok: false, reason: 'bound_to_other_connection' });
    await runInDurableObject(stub, (_o: ConnectionObject, state) => {
      expect(JSON.stringify(state.storage.sql.exec('SELECT * FROM credentials').toArray())).not.toContain('hunter2');
    });
    // Nothing to refresh, but the object still wakes daily to check its connection row exists (the sweep).
    const state = await stub.readState();
    expect(state).toMatchObject({ hasCredentials: true, renewable: false });
    expect(state.alarmAtMs).toBeGreaterThan(Date.now() + 23 * 3600_000);
    expect(state.alarmAtMs).toBeLessThanOrEqual(Date.now() + 24 * 3600_000);
  });

  it('fails an expired token that cannot be refreshed, and forgets everything on destroy', async () => {
    const stub = connectionStub(env, { ...ref, connectionId: 'expired' });
    await stub.store({
      ref: { ...ref, connectionId: 'expired' },
      environmentUuid: 'u',
      credentials: {
        type: 'OAUTH2',
        access_token: 'a',
        expires_at: new Date(Date.now() - 1000).toISOString(),
        raw: {},
      },
    });
    expect(await stub.getToken()).toMatchObject({ ok: false, reason: 'expired_without_refresh_token' });
    await stub.destroy();
    expect(await stub.readState()).toMatchObject({ hasCredentials: false, alarmAtMs: null });
  });

  it('applies storage migrations once, in order', async () => {
    await runInDurableObject(
      connectionStub(env, { ...ref, connectionId: 'migrations' }),
      (_o: ConnectionObject, state) => {
        expect(migrate(state.storage.sql)).toBe(8);
        expect(state.storage.sql.exec('SELECT version FROM _schema').toArray()).toEqual([{ version: 8 }]);
        const tables = state.storage.sql
          .exec(
            `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' ORDER BY name`,
          )
          .toArray();
        expect(tables.map((t) => t.name)).toEqual([
          'credentials',
          'meta',
          'rate_limit',
          'reports',
          'run_counts',
          'syncs',
          'tasks',
          'tracking',
        ]);
      },
    );
  });
});
