import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { connectionStub } from '../../../durable-objects/connection-name.js';
import type { ConnectionObject } from '../../../durable-objects/connection-object.js';
import { readPendingReport, savePendingReport } from '../../../durable-objects/connection-storage.js';
import { runSyncReportTask, type SyncDeps } from '../../../durable-objects/sync-tasks.js';
import { repairMissedAuthEvents } from '../../../workers/webhooks/repair.js';
import { api, seedApiKeyIntegration, seedEnvironment } from '../support/fixtures.js';

describe('events survive a crash after the change they report', () => {
  it('a finished sync run’s report is kept in the object until made; made twice, its events are recorded once', async () => {
    const { id, key } = await seedEnvironment({ prefix: 'report' });
    await api(key, 'PATCH', '/environment', { webhook_settings: { primary_url: 'http://169.254.169.254/hooks' } });
    await seedApiKeyIntegration(key, { provider: 'report-api', integration: 'rep', connections: ['c-1'] });
    const row = await env.DB.prepare(
      'SELECT integration_id FROM connections WHERE environment_id = ? AND connection_id = ?',
    )
      .bind(id, 'c-1')
      .first<{ integration_id: number }>();
    const connection = { environmentId: id, integrationId: row?.integration_id ?? 0, connectionId: 'c-1' };
    const report = JSON.stringify({
      connection,
      run: { name: 'issues', variant: 'base', runId: 'run-1', startedAt: new Date().toISOString(), type: 'INITIAL' },
      outcome: { kind: 'done' },
      counts: { Issue: { added: 3, updated: 0, deleted: 0, invalid: 0 } },
    });
    await runInDurableObject(connectionStub(env, connection), async (_o: ConnectionObject, state) => {
      const deps = { sql: state.storage.sql, env, waitUntil: () => undefined } as unknown as SyncDeps;
      savePendingReport(state.storage.sql, 'run-1', report);
      await runSyncReportTask(deps, 'report:run-1');
      expect(readPendingReport(state.storage.sql, 'run-1')).toBeUndefined();
      // A crash after the events were recorded but before the report was forgotten: made again.
      savePendingReport(state.storage.sql, 'run-1', report);
      await runSyncReportTask(deps, 'report:run-1');
    });
    const events = await env.DB.prepare(`SELECT payload FROM outbox_events WHERE environment_id = ? AND type = 'sync'`)
      .bind(id)
      .all<{ payload: string }>();
    expect(events.results.map((e) => JSON.parse(e.payload).responseResults)).toEqual([
      { added: 3, updated: 0, deleted: 0 },
    ]);
    const deliveries = await env.DB.prepare('SELECT COUNT(*) AS n FROM webhook_deliveries WHERE environment_id = ?')
      .bind(id)
      .first<{ n: number }>();
    expect(deliveries?.n).toBe(1);
  });

  it('a connection a crash left without its auth event gets it from the repair, once', async () => {
    const { id, key } = await seedEnvironment({ prefix: 'repair' });
    await seedApiKeyIntegration(key, { provider: 'repair-api', integration: 'rep', connections: ['kept', 'lost'] });
    // The crash: 'lost' was saved but its event never recorded. Both were created 10 minutes ago.
    await env.DB.prepare(`DELETE FROM outbox_events WHERE environment_id = ? AND connection_id = 'lost'`)
      .bind(id)
      .run();
    const tenMinutesAgo = new Date(Date.now() - 600_000).toISOString();
    await env.DB.prepare('UPDATE connections SET created_at = ? WHERE environment_id = ?')
      .bind(tenMinutesAgo, id)
      .run();

    expect(await repairMissedAuthEvents(env)).toBe(1);
    expect(await repairMissedAuthEvents(env)).toBe(0);
    const events = await env.DB.prepare(
      `SELECT connection_id, payload FROM outbox_events WHERE environment_id = ? AND type = 'auth' ORDER BY connection_id`,
    )
      .bind(id)
      .all<{ connection_id: string; payload: string }>();
    expect(events.results.map((e) => [e.connection_id, JSON.parse(e.payload).operation])).toEqual([
      ['kept', 'creation'],
      ['lost', 'creation'],
    ]);
  });
});
