/**
 * Asynchronous actions (`X-Async: true`): the trigger stores the request in D1 and hands a task
 * to the connection's Durable Object, whose alarm runs it (and runs it again after a crash or a
 * restart: the alarm is durable, and a task's due time is pushed past the run's time limit while
 * it runs). Failures are retried as many times as the trigger asked (`X-Max-Retries`, 0–5), with
 * backoff; `GET /action/:id` reads the outcome.
 */
import { and, eq } from 'drizzle-orm';
import { connectionStub } from '../../durable-objects/connection-name.js';
import { readConfig } from '../config.js';
import { openDb } from '../db/client.js';
import {
  type AsyncActionRow,
  asyncActions,
  type ConnectionRow,
  connections,
  type EnvironmentRow,
  type IntegrationRow,
} from '../db/schema.js';
import { findEnvironmentById } from '../environments/store.js';
import { ApiError } from '../http/api-error.js';
import { findIntegrationById } from '../integrations/store.js';
import { eventUidFor, recordEvents } from '../webhooks/outbox.js';
import { type ActionTarget, actionTimeoutMs, executeRun, newRunIdentity, type RunScope } from './runs.js';
import { findFunctionRow } from './store.js';

/** First retry after 1 s, doubling, at most a minute apart. */
export const ASYNC_RETRY_BASE_MS = 1_000;
export const ASYNC_RETRY_MAX_MS = 60_000;
/** Extra time past the run's limit before a task whose run vanished is run again. */
export const TASK_LEASE_MARGIN_MS = 2_000;

export type AsyncActionError = { code: string; message: string; payload?: unknown };

/**
 * Stores an async run and schedules it on the connection's object.
 *
 * @example const { id, statusUrl } = await enqueueAsyncAction(scope, target, input, 2)
 */
export async function enqueueAsyncAction(
  scope: RunScope,
  target: ActionTarget,
  input: unknown,
  maxRetries: number,
): Promise<{ id: string; statusUrl: string }> {
  const id = crypto.randomUUID();
  await scope.db.insert(asyncActions).values({
    id,
    environmentId: scope.environment.id,
    integrationId: target.integration.id,
    connectionRowId: target.connection.id,
    actionName: target.fn.name,
    input: JSON.stringify(input ?? null),
    status: 'waiting',
    maxRetries,
  });
  await connectionStub(scope.env, {
    environmentId: scope.environment.id,
    integrationId: target.integration.id,
    connectionId: target.connection.connectionId,
  }).scheduleTask({ id, kind: 'async_action', dueAtMs: Date.now() });
  return { id, statusUrl: `/action/${id}` };
}

export function readAsyncAction(scope: Pick<RunScope, 'db' | 'environment'>, id: string) {
  return scope.db
    .select()
    .from(asyncActions)
    .where(and(eq(asyncActions.id, id), eq(asyncActions.environmentId, scope.environment.id)))
    .get();
}

function updateQuery(db: RunScope['db'], id: string, values: Partial<AsyncActionRow>) {
  return db
    .update(asyncActions)
    .set({ ...values, updatedAt: new Date().toISOString() })
    .where(eq(asyncActions.id, id));
}

async function update(db: RunScope['db'], id: string, values: Partial<AsyncActionRow>): Promise<void> {
  await updateQuery(db, id, values);
}

/**
 * The action's final state and its `async_action` event (`on_async_action_completion`), in one
 * batch: a finished action always has its event.
 */
async function finish(
  env: Env,
  db: RunScope['db'],
  target: { environment: EnvironmentRow; integration: IntegrationRow; connection: ConnectionRow },
  id: string,
  values: Partial<AsyncActionRow>,
): Promise<void> {
  await recordEvents(
    { db, env },
    { environment: target.environment, webhookUrlOverride: target.connection.webhookUrlOverride },
    [
      {
        uid: await eventUidFor(`async_action:${id}`),
        type: 'async_action',
        trigger: 'async_action',
        connectionId: target.connection.connectionId,
        integrationKey: target.integration.uniqueKey,
        body: {
          from: 'nango',
          type: 'async_action',
          connectionId: target.connection.connectionId,
          providerConfigKey: target.integration.uniqueKey,
          payload: { id, statusUrl: `/action/${id}` },
        },
      },
    ],
    [updateQuery(db, id, values)],
  );
}

/** How long one attempt may take (the lease a task holds while it runs). */
export function asyncLeaseMs(env: Env): number {
  return actionTimeoutMs(env) + TASK_LEASE_MARGIN_MS;
}

/**
 * One attempt of an async action; called by the connection's object when its task is due.
 * Resolves `done` when nothing is left to do, or when to try again.
 */
export async function runAsyncAction(
  env: Env,
  id: string,
  waitUntil: (promise: Promise<unknown>) => void,
): Promise<{ done: true } | { done: false; retryAtMs: number }> {
  const db = openDb(env.DB);
  const row = await db.select().from(asyncActions).where(eq(asyncActions.id, id)).get();
  if (!row || row.status === 'succeeded' || row.status === 'failed') return { done: true };
  const environment = await findEnvironmentById(db, row.environmentId);
  const integration = await findIntegrationById(db, row.integrationId);
  const connection = await db.select().from(connections).where(eq(connections.id, row.connectionRowId)).get();
  if (!environment || !integration || !connection) return { done: true }; // deleted with its connection
  const target = { environment, integration, connection };
  const fail = async (error: AsyncActionError) => {
    await finish(env, db, target, id, { status: 'failed', error: JSON.stringify(error) });
    return { done: true as const };
  };
  const [fn] = await findFunctionRow(db, environment.id, integration.id, row.actionName, 'action');
  if (!fn?.enabled)
    return fail({ code: 'unknown_action', message: `The action "${row.actionName}" is no longer deployed` });

  const attempts = row.attempts + 1;
  await update(db, id, { status: 'running', attempts });
  const scope: RunScope = { env, db, config: readConfig(env), environment, requestId: id, waitUntil };
  const run = newRunIdentity(
    scope,
    { integration, connection, fn },
    {
      timeoutMs: actionTimeoutMs(env),
      dryRun: false,
      depth: 0,
    },
  );
  const report = await executeRun(scope, fn.dispatchName, run, { input: JSON.parse(row.input) });
  if (report.outcome === 'success') {
    await finish(env, db, target, id, {
      status: 'succeeded',
      output: JSON.stringify(report.output ?? null),
      error: null,
    });
    return { done: true };
  }
  const error: AsyncActionError = {
    code: report.error.code,
    message: report.error.message,
    ...(report.error.extra?.payload === undefined ? {} : { payload: report.error.extra.payload }),
  };
  // Input the action refuses will be refused again: not worth a retry.
  if (attempts <= row.maxRetries && report.error.code !== 'invalid_action_input') {
    await update(db, id, { status: 'waiting', error: JSON.stringify(error) });
    const delay = Math.min(ASYNC_RETRY_MAX_MS, ASYNC_RETRY_BASE_MS * 2 ** (attempts - 1));
    return { done: false, retryAtMs: Date.now() + delay };
  }
  return fail(error);
}

/** `GET /action/:id`: the output (200), not finished (404), or the failure (500), as the reference answers. */
export async function asyncActionAnswer(
  scope: Pick<RunScope, 'db' | 'environment'>,
  id: string,
): Promise<{ status: 200; body: unknown }> {
  const row = await readAsyncAction(scope, id);
  if (!row) throw new ApiError('unknown_async_action', 404, `No asynchronous action "${id}" in this environment`);
  if (row.status === 'succeeded') return { status: 200, body: JSON.parse(row.output ?? 'null') };
  if (row.status === 'failed') {
    const error = JSON.parse(row.error ?? '{}') as AsyncActionError;
    throw new ApiError('action_script_failure', 500, error.message ?? 'The action failed', undefined, undefined, {
      payload: {
        code: error.code,
        ...(error.payload === undefined ? {} : { payload: error.payload }),
        attempts: row.attempts,
      },
    });
  }
  throw new ApiError('action_not_completed', 404, 'Action not completed yet');
}
