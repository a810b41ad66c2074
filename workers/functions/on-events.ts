/**
 * On-event scripts: `validate-connection` when a connection is created (a failure refuses it with
 * the script's message), `post-connection-creation` after (a task of the connection's object, so it
 * survives restarts), `pre-connection-deletion` before a connection is deleted (awaited, bounded by
 * the action time limit; its failure is logged and does not block the deletion).
 */

import { eq } from 'drizzle-orm';
import { connectionStub } from '../../durable-objects/connection-name.js';
import type { FunctionDefinition } from '../../sdk/contract/functions.js';
import type { PierConfig } from '../config.js';
import { readConfig } from '../config.js';
import type { Db } from '../db/client.js';
import { openDb } from '../db/client.js';
import type { ConnectionRow, EnvironmentRow, FunctionRow, IntegrationRow } from '../db/schema.js';
import { connections } from '../db/schema.js';
import { findEnvironmentById } from '../environments/store.js';
import { ApiError } from '../http/api-error.js';
import { findIntegrationById } from '../integrations/store.js';
import { actionTimeoutMs, executeRun, newRunIdentity, type RunReport } from './runs.js';
import { listFunctionRows } from './store.js';

type OnEvent = NonNullable<FunctionDefinition['event']>;
type Scope = {
  db: Db;
  config: PierConfig;
  env: Env;
  environment: EnvironmentRow;
  waitUntil?: (p: Promise<unknown>) => void;
};

async function scriptsFor(
  db: Db,
  environmentId: number,
  integrationId: number,
  event: OnEvent,
): Promise<FunctionRow[]> {
  return (await listFunctionRows(db, environmentId, [integrationId]))
    .filter((row) => row.type === 'on-event' && row.enabled)
    .filter((row) => (JSON.parse(row.definition) as FunctionDefinition).event === event)
    .sort((a, b) => a.name.localeCompare(b.name));
}

async function runOne(
  scope: Scope,
  integration: IntegrationRow,
  connection: ConnectionRow,
  fn: FunctionRow,
): Promise<RunReport> {
  const runScope = {
    ...scope,
    requestId: crypto.randomUUID(),
    // Work after the answer (log lines) rides on the caller's request when it has one.
    waitUntil: scope.waitUntil ?? ((promise: Promise<unknown>) => void promise.catch(() => undefined)),
  };
  const run = newRunIdentity(
    runScope,
    { integration, connection, fn },
    {
      timeoutMs: actionTimeoutMs(scope.env),
      dryRun: false,
      depth: 0,
    },
  );
  return executeRun(runScope, fn.dispatchName, run, { input: null });
}

/**
 * Runs the integration's `validate-connection` scripts for a new connection; throws 400
 * `connection_validation_failed` with the first failing script's message.
 */
export async function validateNewConnection(
  scope: Scope,
  integration: IntegrationRow,
  connection: ConnectionRow,
): Promise<void> {
  for (const fn of await scriptsFor(scope.db, scope.environment.id, integration.id, 'validate-connection')) {
    const report = await runOne(scope, integration, connection, fn);
    if (report.outcome === 'failure') {
      const payload = report.error.extra?.payload as { message?: unknown } | undefined;
      const message = typeof payload?.message === 'string' ? payload.message : report.error.message;
      throw new ApiError('connection_validation_failed', 400, `The connection was refused: ${message}`);
    }
  }
}

/** Schedules the `post-connection-creation` scripts on the connection's object. */
export async function schedulePostCreation(
  scope: Scope,
  integration: IntegrationRow,
  connection: ConnectionRow,
): Promise<void> {
  const scripts = await scriptsFor(scope.db, scope.environment.id, integration.id, 'post-connection-creation');
  if (scripts.length === 0) return;
  const stub = connectionStub(scope.env, {
    environmentId: scope.environment.id,
    integrationId: integration.id,
    connectionId: connection.connectionId,
  });
  for (const fn of scripts)
    await stub.scheduleTask({ id: `on-event:${connection.id}:${fn.name}`, kind: 'on_event', dueAtMs: Date.now() });
}

/** Runs the `pre-connection-deletion` scripts; their failures are logged, never block the deletion. */
export async function runPreDeletion(
  scope: Scope,
  integration: IntegrationRow,
  connection: ConnectionRow,
): Promise<void> {
  for (const fn of await scriptsFor(scope.db, scope.environment.id, integration.id, 'pre-connection-deletion'))
    await runOne(scope, integration, connection, fn);
}

/**
 * A scheduled on-event task (`on-event:<connection row id>:<script>`), run by the connection's
 * object. Done when the script ran, or when there is nothing left to run.
 */
export async function runOnEventTask(
  env: Env,
  taskId: string,
  waitUntil: (p: Promise<unknown>) => void,
): Promise<void> {
  const [, rowId, name] = taskId.split(':');
  const db = openDb(env.DB);
  const connection = await db
    .select()
    .from(connections)
    .where(eq(connections.id, Number(rowId)))
    .get();
  if (!connection) return;
  const environment = await findEnvironmentById(db, connection.environmentId);
  const integration = await findIntegrationById(db, connection.integrationId);
  if (!environment || !integration) return;
  const fn = (await scriptsFor(db, environment.id, integration.id, 'post-connection-creation')).find(
    (f) => f.name === name,
  );
  if (!fn) return;
  await runOne({ db, config: readConfig(env), env, environment, waitUntil }, integration, connection, fn);
}
