import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { connectionObjectName } from '../../../durable-objects/connection-name.js';
import type { ConnectionObject } from '../../../durable-objects/connection-object.js';
import { migrate } from '../../../durable-objects/connection-storage.js';

describe('ConnectionObject', () => {
  it('is named from environment, integration id and connection id by one helper', () => {
    expect(connectionObjectName({ environmentId: 1, integrationId: 7, connectionId: 'user/42' })).toBe(
      'env:1/integration:7/connection:user%2F42',
    );
  });

  it('binds to one connection and refuses another', async () => {
    const name = connectionObjectName({ environmentId: 1, integrationId: 7, connectionId: 'bind-test' });
    const stub = env.CONNECTION.get(env.CONNECTION.idFromName(name));
    expect(await stub.describe()).toEqual({ name: null, schemaVersion: 1 });
    expect(await stub.bind(name)).toEqual({ ok: true, name, schemaVersion: 1 });
    expect(await stub.bind(name)).toEqual({ ok: true, name, schemaVersion: 1 });
    expect(await stub.bind('env:1/integration:7/connection:other')).toEqual({
      ok: false,
      reason: 'bound_to_other_connection',
    });
    expect((await stub.describe()).name).toBe(name);
  });

  it('applies storage migrations once, in order', async () => {
    const stub = env.CONNECTION.get(env.CONNECTION.idFromName('migrations'));
    await runInDurableObject(stub, (_instance: ConnectionObject, state) => {
      expect(migrate(state.storage.sql)).toBe(1);
      expect(state.storage.sql.exec('SELECT version FROM _schema').toArray()).toEqual([{ version: 1 }]);
      const tables = state.storage.sql
        .exec(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' ORDER BY name`)
        .toArray();
      expect(tables).toEqual([{ name: 'meta' }]);
    });
  });
});
