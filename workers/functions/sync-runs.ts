/**
 * One slice of a sync run, started by the connection's Durable Object (workers/functions is where
 * the D1 and dispatch work lives; the object keeps the schedule), and the run's report: the
 * operations-log line with its counts and one `sync` event per model that changed.
 */

import { connectionStub } from '../../durable-objects/connection-name.js';
import type { ModelCounts } from '../../durable-objects/record-writer.js';
import type { SliceOutcome } from '../../durable-objects/sync-schedule.js';
import type { Invocation } from '../../sdk/scripts/protocol.js';
import { readConfig } from '../config.js';
import { findConnectionRow } from '../connections/store.js';
import { openDb } from '../db/client.js';
import { findEnvironmentById } from '../environments/store.js';
import { findIntegrationById } from '../integrations/store.js';
import { queueOperation } from '../logs/service.js';
import { eventUidFor, type OutgoingEvent, recordEvents } from '../webhooks/outbox.js';
import type { EventTrigger } from '../webhooks/settings.js';
import { executeRun, newRunIdentity, type RunReport, type RunScope } from './runs.js';
import { declaredModels, findFunctionRow, writeCheckpoint } from './store.js';

/** Wall-clock time of one slice of a sync run (`PIER_SYNC_SLICE_SECONDS`, 5–900, default 300). */
export function syncSliceMs(env: object): number {
  const seconds = Number((env as { PIER_SYNC_SLICE_SECONDS?: string }).PIER_SYNC_SLICE_SECONDS);
  return Number.isFinite(seconds) && seconds >= 5 && seconds <= 900 ? Math.round(seconds * 1000) : 300_000;
}

export type ConnectionRef = { environmentId: number; integrationId: number; connectionId: string };

async function context(env: Env, ref: ConnectionRef) {
  const db = openDb(env.DB);
  const environment = await findEnvironmentById(db, ref.environmentId);
  const integration = await findIntegrationById(db, ref.integrationId);
  const connection =
    environment && integration
      ? await findConnectionRow(db, environment.id, integration.id, ref.connectionId)
      : undefined;
  return { db, environment, integration, connection };
}

/** Dispatches one run of a deployed sync on a connection; undefined when either is gone. */
async function dispatchSync(
  env: Env,
  ref: ConnectionRef,
  sync: { name: string; variant: string; runId: string },
  extra: Pick<Invocation, 'lastSyncDate' | 'webhookPayload'>,
  waitUntil: (promise: Promise<unknown>) => void,
): Promise<RunReport | undefined> {
  const { db, environment, integration, connection } = await context(env, ref);
  if (!environment || !integration || !connection) return undefined;
  const [fn] = await findFunctionRow(db, environment.id, integration.id, sync.name, 'sync');
  if (!fn?.enabled) return undefined;
  const scope: RunScope = { env, db, config: readConfig(env), environment, requestId: sync.runId, waitUntil };
  const run = newRunIdentity(
    scope,
    { integration, connection, fn },
    { timeoutMs: syncSliceMs(env), dryRun: false, depth: 0, runId: sync.runId, variant: sync.variant },
  );
  return executeRun(scope, fn.dispatchName, run, { variant: sync.variant, ...extra });
}

/** Runs one slice of a sync. */
export async function runSyncSlice(
  env: Env,
  ref: ConnectionRef,
  sync: { name: string; variant: string; runId: string; lastSyncDate: string | null },
  waitUntil: (promise: Promise<unknown>) => void,
): Promise<SliceOutcome> {
  const report = await dispatchSync(env, ref, sync, { lastSyncDate: sync.lastSyncDate }, waitUntil);
  if (!report) return { kind: 'gone' };
  if (report.outcome === 'success') return { kind: 'done' };
  if (report.error.code === 'script_timeout') return { kind: 'out_of_time' };
  return { kind: 'failed', message: `${report.error.code}: ${report.error.message}` };
}

/**
 * Runs a sync's `onWebhook` handler for one provider event on one connection: records it saves go
 * through the connection's object like a run's, and the run is reported like one (`syncType`
 * `WEBHOOK`: a log line and `sync` events for the models it changed).
 */
export async function runSyncWebhook(
  env: Env,
  ref: ConnectionRef,
  sync: { name: string; variant: string; payload: unknown },
  waitUntil: (promise: Promise<unknown>) => void,
): Promise<SliceOutcome> {
  const runId = crypto.randomUUID();
  const startedAt = new Date().toISOString();
  const report = await dispatchSync(
    env,
    ref,
    { name: sync.name, variant: sync.variant, runId },
    { webhookPayload: sync.payload ?? null },
    waitUntil,
  );
  if (!report) return { kind: 'gone' };
  const outcome: SliceOutcome =
    report.outcome === 'success'
      ? { kind: 'done' }
      : { kind: 'failed', message: `${report.error.code}: ${report.error.message}` };
  const counts = await connectionStub(env, ref).takeRunCounts(runId);
  await reportSyncRun(
    env,
    ref,
    { name: sync.name, variant: sync.variant, runId, startedAt, type: 'WEBHOOK' },
    outcome,
    counts,
    waitUntil,
  );
  return outcome;
}

/** Forgets a sync's checkpoint on the connection (a full refresh). */
export async function clearSyncCheckpoint(env: Env, ref: ConnectionRef, key: string): Promise<void> {
  const { db, connection } = await context(env, ref);
  if (connection) await writeCheckpoint(db, connection.id, key, null);
}

/**
 * After a run: one `sync` line in the operations log with what changed, and `sync` events in the
 * outbox (workers/webhooks/outbox.ts): one per model, for changes, failures and (when the
 * environment asks) empty runs.
 */
export async function reportSyncRun(
  env: Env,
  ref: ConnectionRef,
  run: {
    name: string;
    variant: string;
    runId: string;
    startedAt: string;
    type: 'INITIAL' | 'INCREMENTAL' | 'WEBHOOK';
  },
  outcome: SliceOutcome,
  counts: ModelCounts,
  waitUntil: (promise: Promise<unknown>) => void,
): Promise<void> {
  const { db, environment, integration, connection } = await context(env, ref);
  if (!environment || !integration || !connection) return;
  const summary = Object.entries(counts)
    .map(([model, c]) => `${model}: +${c.added} ~${c.updated} -${c.deleted}`)
    .join('; ');
  queueOperation(
    db,
    {
      environmentId: environment.id,
      type: 'sync',
      outcome: outcome.kind === 'done' ? 'success' : 'failure',
      connectionId: connection.connectionId,
      integrationKey: integration.uniqueKey,
      provider: integration.provider,
      method: 'RUN',
      path: run.variant === 'base' ? run.name : `${run.name}::${run.variant}`,
      status: outcome.kind === 'done' ? 200 : 500,
      durationMs: Date.now() - Date.parse(run.startedAt),
      retries: 0,
      bytes: null,
      errorCode: outcome.kind === 'done' ? null : 'sync_failed',
      message: `${outcome.kind === 'failed' ? `${outcome.message.slice(0, 500)} — ` : ''}${summary || 'no changes'}`,
      requestId: run.runId,
      createdAt: new Date().toISOString(),
    },
    waitUntil,
  );
  if (outcome.kind === 'gone') return;
  const common = {
    from: 'nango',
    type: 'sync',
    connectionId: connection.connectionId,
    providerConfigKey: integration.uniqueKey,
    syncName: run.name,
    syncVariant: run.variant,
  };
  const eventFor = async (model: string, trigger: EventTrigger, result: object): Promise<OutgoingEvent> => ({
    uid: await eventUidFor(`${run.runId}:${model}`),
    type: 'sync',
    trigger,
    connectionId: connection.connectionId,
    integrationKey: integration.uniqueKey,
    body: { ...common, model, syncType: run.type, ...result },
  });
  let events: OutgoingEvent[];
  if (outcome.kind !== 'done') {
    const message = outcome.kind === 'failed' ? outcome.message : 'The run did not finish within its slices';
    // A failed run reports on every model of the sync (`on_sync_error`), with what it had saved.
    const [fn] = await findFunctionRow(db, environment.id, integration.id, run.name, 'sync');
    const models = declaredModels(fn) ?? Object.keys(counts);
    const failure = {
      success: false,
      error: { type: 'sync_failed', description: message.slice(0, 1000) },
      startedAt: run.startedAt,
      failedAt: new Date().toISOString(),
    };
    events = await Promise.all(models.map((model) => eventFor(model, 'sync_error', failure)));
  } else {
    const queryTimeStamp = new Date().toISOString();
    events = await Promise.all(
      Object.entries(counts).map(([model, c]) =>
        // Only models that changed, unless the environment asks for an event after every run.
        eventFor(model, c.added + c.updated + c.deleted === 0 ? 'sync_empty' : 'sync_changes', {
          success: true,
          modifiedAfter: run.startedAt,
          responseResults: { added: c.added, updated: c.updated, deleted: c.deleted },
          queryTimeStamp,
        }),
      ),
    );
  }
  // Events of a run have ids derived from it: a report made twice records them once.
  await recordEvents({ db, env }, { environment, webhookUrlOverride: connection.webhookUrlOverride }, events);
}

/** Sync slices that may run at once in one environment (`PIER_SYNC_CONCURRENCY`, 1–500, default 10). */
export function syncConcurrency(env: object): number {
  const value = Number((env as { PIER_SYNC_CONCURRENCY?: string }).PIER_SYNC_CONCURRENCY);
  return Number.isInteger(value) && value >= 1 && value <= 500 ? value : 10;
}

/**
 * Takes one of the environment's sync slots for `holder` until `leaseMs` from now; false when all are
 * taken (the caller tries again later). Expired slots (their slice's process died) are freed first.
 */
export async function acquireSyncSlot(
  env: Env,
  environmentId: number,
  holder: string,
  leaseMs: number,
): Promise<boolean> {
  const now = Date.now();
  const [, inserted] = await env.DB.batch([
    env.DB.prepare('DELETE FROM sync_slots WHERE environment_id = ? AND expires_at_ms < ?').bind(environmentId, now),
    env.DB.prepare(
      `INSERT INTO sync_slots (environment_id, holder, expires_at_ms)
       SELECT ?1, ?2, ?3 WHERE (SELECT COUNT(*) FROM sync_slots WHERE environment_id = ?1 AND holder != ?2) < ?4
       ON CONFLICT (environment_id, holder) DO UPDATE SET expires_at_ms = excluded.expires_at_ms
       RETURNING holder`,
    ).bind(environmentId, holder, now + leaseMs, syncConcurrency(env)),
  ]);
  return ((inserted?.results as unknown[] | undefined)?.length ?? 0) > 0;
}

export async function releaseSyncSlot(env: Env, environmentId: number, holder: string): Promise<void> {
  await env.DB.prepare('DELETE FROM sync_slots WHERE environment_id = ? AND holder = ?')
    .bind(environmentId, holder)
    .run();
}
