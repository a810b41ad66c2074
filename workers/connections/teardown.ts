import { eq } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { connectionStub } from '../../durable-objects/connection-name.js';
import { type Revocation, revocationFor } from '../auth/revoke.js';
import type { PierConfig } from '../config.js';
import { openJson, sealJson } from '../crypto/secret-box.js';
import type { Db } from '../db/client.js';
import { type ConnectionTeardownRow, environments, type IntegrationRow, integrations } from '../db/schema.js';
import { removeScript } from '../dispatch/namespace.js';
import { listFunctionRows } from '../functions/store.js';
import { readIntegrationCredentials } from '../integrations/service.js';
import { listIntegrationRows } from '../integrations/store.js';
import { recordOperation } from '../logs/service.js';
import { allowsCustomHosts } from '../providers/provider-url.js';
import { findProvider } from '../providers/service.js';
import { forgetProxyTargets } from '../proxy/target-cache.js';
import {
  deleteTeardown,
  findStaleTeardowns,
  findTeardowns,
  insertTeardownStatements,
  listConnectionsOfIntegrations,
  type NewTeardown,
  recordTeardownFailure,
} from './teardown-store.js';

/**
 * When an integration or a whole environment is deleted, each of its connections still has a
 * ConnectionObject holding sealed credentials and an alarm. The deletion writes one teardown row per
 * connection in the same D1 batch as the delete, then queues them (`pier-jobs`); each teardown revokes
 * the grant at the provider where the provider supports it and erases the object, and leaves a line
 * in the operations log. The hourly sweep finishes what the queue did not, and every object's own
 * alarm erases it once its connection row is gone, so nothing outlives a deletion.
 */

export type TeardownScope = { db: Db; config: PierConfig; env: Env };

/** A queue message of `pier-jobs`. */
export type JobMessage = { type: 'connection_teardown'; ids: number[] };

const IDS_PER_MESSAGE = 25;
const MESSAGES_PER_SEND = 100;
/** Teardowns still waiting this long are taken over by the hourly sweep. */
export const STALE_TEARDOWN_MS = 10 * 60 * 1000;
const SWEEP_LIMIT = 500;

const context = (row: { environmentId: number; integrationId: number; connectionId: string }) =>
  `teardown:${row.environmentId}:${row.integrationId}:${encodeURIComponent(row.connectionId)}`;

/**
 * Runs `deletion` (the delete of integrations or of an environment) in one D1 batch with a teardown
 * row for every connection of `integrations`, then queues the teardowns. Returns how many there are.
 *
 * @example await deleteWithTeardowns(scope, { environment, integrations: [row], logEnvironmentId: environment.id, deletion })
 */
export async function deleteWithTeardowns(
  scope: TeardownScope,
  input: {
    environment: { id: number; uuid: string };
    integrations: IntegrationRow[];
    logEnvironmentId: number;
    deletion: BatchItem<'sqlite'>;
  },
): Promise<number> {
  const rows = await listConnectionsOfIntegrations(
    scope.db,
    input.integrations.map((i) => i.id),
  );
  const revokers = new Map<number, (connectionConfig: Record<string, string>) => Revocation | undefined>();
  for (const integration of input.integrations) {
    const provider = await findProvider(scope.db, input.environment.id, integration.provider);
    const integrationCredentials = await readIntegrationCredentials(scope.config, input.environment, integration);
    revokers.set(integration.id, (connectionConfig) =>
      provider
        ? revocationFor({
            provider: provider.definition,
            integrationCredentials,
            connectionConfig,
            mode: scope.config.mode,
            allowCustomHosts: allowsCustomHosts(integration.integrationConfig),
          })
        : undefined,
    );
  }
  const byId = new Map(input.integrations.map((i) => [i.id, i]));
  const teardowns: NewTeardown[] = [];
  for (const row of rows) {
    const integration = byId.get(row.integrationId);
    if (!integration) continue;
    const revocation = revokers.get(row.integrationId)?.(JSON.parse(row.connectionConfig));
    teardowns.push({
      environmentId: row.environmentId,
      integrationId: row.integrationId,
      connectionId: row.connectionId,
      integrationKey: integration.uniqueKey,
      provider: integration.provider,
      logEnvironmentId: input.logEnvironmentId,
      revocationEnc: revocation ? await sealJson(scope.config, revocation, context(row)) : null,
    });
  }
  // The functions go with their integration (ON DELETE CASCADE); their code in the script namespace
  // is removed after the delete commits.
  const scripts = await listFunctionRows(
    scope.db,
    input.environment.id,
    input.integrations.map((i) => i.id),
  );
  const statements = insertTeardownStatements(scope.db, teardowns);
  const results = (await scope.db.batch([input.deletion, ...statements] as [
    BatchItem<'sqlite'>,
    ...BatchItem<'sqlite'>[],
  ])) as unknown[];
  const ids = results.slice(1).flatMap((inserted) => (inserted as { id: number }[]).map((r) => r.id));
  await enqueueTeardowns(scope.env, ids);
  for (const script of scripts)
    await removeScript(scope.env, script.dispatchName).catch((err: unknown) =>
      console.error(
        JSON.stringify({ level: 'error', message: 'script code left in the namespace', error: (err as Error).name }),
      ),
    );
  return ids.length;
}

/** Deletes one integration: its connections are torn down (revoked, erased) through the queue. */
export async function deleteIntegrationAndConnections(
  scope: TeardownScope,
  environment: { id: number; uuid: string },
  integration: IntegrationRow,
): Promise<number> {
  const count = await deleteWithTeardowns(scope, {
    environment,
    integrations: [integration],
    logEnvironmentId: environment.id,
    deletion: scope.db.delete(integrations).where(eq(integrations.id, integration.id)),
  });
  forgetProxyTargets();
  return count;
}

/**
 * Deletes a whole environment: every connection of every integration is torn down; the log lines go
 * to the environment of the key that deleted it (the deleted one's log goes with it).
 */
export async function deleteEnvironmentAndConnections(
  scope: TeardownScope,
  environment: { id: number; uuid: string },
  logEnvironmentId: number,
): Promise<number> {
  const count = await deleteWithTeardowns(scope, {
    environment,
    integrations: await listIntegrationRows(scope.db, environment.id),
    logEnvironmentId,
    deletion: scope.db.delete(environments).where(eq(environments.id, environment.id)),
  });
  forgetProxyTargets();
  return count;
}

/** Queues teardowns; a failure to queue is left to the hourly sweep, never to the caller. */
async function enqueueTeardowns(env: Env, ids: number[]): Promise<void> {
  const messages: { body: JobMessage }[] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_MESSAGE)
    messages.push({ body: { type: 'connection_teardown', ids: ids.slice(i, i + IDS_PER_MESSAGE) } });
  try {
    for (let i = 0; i < messages.length; i += MESSAGES_PER_SEND)
      await env.JOBS.sendBatch(messages.slice(i, i + MESSAGES_PER_SEND));
  } catch (err) {
    console.error(JSON.stringify({ level: 'error', event: 'teardown_enqueue_failed', error: (err as Error).name }));
  }
}

/** Tears down the given rows; returns how many failed (they stay, for a retry or the sweep). */
export async function runTeardowns(scope: TeardownScope, rows: ConnectionTeardownRow[]): Promise<number> {
  let failed = 0;
  for (const row of rows) {
    const started = Date.now();
    try {
      // Sealed with a key since retired: the credentials are still erased, only the revocation is lost.
      const revocation = row.revocationEnc
        ? await openJson<Revocation>(scope.config, row.revocationEnc, context(row)).catch(() => undefined)
        : undefined;
      const outcome = await connectionStub(scope.env, row).tearDown(revocation ? { revocation } : {});
      const refused = !outcome.revoked && (outcome.reason === 'refused' || outcome.reason === 'unreachable');
      await recordOperation(scope.db, {
        environmentId: row.logEnvironmentId,
        type: 'auth',
        outcome: refused ? 'failure' : 'success',
        connectionId: row.connectionId,
        integrationKey: row.integrationKey,
        provider: row.provider,
        method: null,
        path: 'connection teardown',
        status: outcome.status ?? null,
        durationMs: Date.now() - started,
        retries: row.attempts,
        bytes: null,
        errorCode: refused ? 'revocation_failed' : null,
        message: outcome.revoked
          ? 'Connection deleted with its integration: grant revoked at the provider, credentials erased'
          : refused
            ? `Connection deleted with its integration: the provider did not revoke the grant (${outcome.reason}); credentials erased`
            : 'Connection deleted with its integration: credentials erased (the provider has no revocation endpoint)',
        requestId: null,
        createdAt: new Date(started).toISOString(),
      });
      await deleteTeardown(scope.db, row.id);
    } catch (err) {
      failed++;
      await recordTeardownFailure(scope.db, row.id, (err as Error).name).catch(() => undefined);
    }
  }
  return failed;
}

/** The `pier-jobs` consumer: each message names teardown rows; a message with failures is retried. */
export async function consumeJobBatch(scope: TeardownScope, batch: MessageBatch<unknown>): Promise<void> {
  for (const message of batch.messages) {
    const body = message.body as Partial<JobMessage>;
    if (body?.type !== 'connection_teardown' || !Array.isArray(body.ids)) {
      message.ack(); // not ours to understand; nothing to redo
      continue;
    }
    const failed = await runTeardowns(scope, await findTeardowns(scope.db, body.ids.filter(Number.isInteger)));
    if (failed > 0) message.retry({ delaySeconds: Math.min(30 * 2 ** (message.attempts - 1), 900) });
    else message.ack();
  }
}

/** The hourly sweep: teardowns the queue lost or gave up on. Returns how many it finished. */
export async function sweepTeardowns(scope: TeardownScope, nowMs = Date.now()): Promise<number> {
  const stale = await findStaleTeardowns(scope.db, new Date(nowMs - STALE_TEARDOWN_MS).toISOString(), SWEEP_LIMIT);
  return stale.length - (await runTeardowns(scope, stale));
}
