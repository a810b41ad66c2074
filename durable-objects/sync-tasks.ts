/**
 * What the connection's object does with its syncs: runs a due slice (the schedule decides what
 * next), and applies the control calls (start, pause, trigger, frequency, variants). The class stays
 * a thin RPC surface; this is the capability behind it.
 */
import {
  acquireSyncSlot,
  clearSyncCheckpoint,
  releaseSyncSlot,
  reportSyncRun,
  runSyncSlice,
  syncSliceMs,
} from '../workers/functions/sync-runs.js';
import {
  deletePendingReport,
  deleteTask,
  readMeta,
  readPendingReport,
  savePendingReport,
  type Task,
  upsertTask,
} from './connection-storage.js';
import type { RecordWriter } from './record-writer.js';
import { MAX_SLICES_PER_RUN } from './sync-policy.js';
import { parseSyncTaskId, type SyncRow, type SyncSchedule, syncTaskId } from './sync-schedule.js';

export type SyncDeps = {
  sql: SqlStorage;
  env: Env;
  schedule: SyncSchedule;
  records: RecordWriter;
  waitUntil(promise: Promise<unknown>): void;
};

export type DeployedSync = { name: string; variant: string; frequencyMs: number; autoStart: boolean; models: string[] };

export const SYNC_LEASE_MARGIN_MS = 5_000;
/** A slice that finds every slot of its environment taken tries again after 5–10 s. */
export const SLOT_RETRY_MS = 5_000;

export function syncLeaseMs(env: Env): number {
  return syncSliceMs(env) + SYNC_LEASE_MARGIN_MS;
}

function ref(sql: SqlStorage) {
  const text = readMeta(sql, 'ref');
  return text
    ? (JSON.parse(text) as { environmentId: number; integrationId: number; connectionId: string })
    : undefined;
}

function schedule(sql: SqlStorage, name: string, variant: string, atMs: number | null): void {
  const id = syncTaskId(name, variant);
  if (atMs === null) deleteTask(sql, id);
  else upsertTask(sql, { id, kind: 'sync', dueAtMs: atMs } satisfies Task);
}

/** One due slice; resolves when the task is done or when it is due again. */
export async function runSyncTask(
  deps: SyncDeps,
  taskId: string,
): Promise<{ done: true } | { done: false; retryAtMs: number }> {
  const { name, variant } = parseSyncTaskId(taskId);
  const row = deps.schedule.get(name, variant);
  const connection = ref(deps.sql);
  if (!row || !connection || row.nextRunAtMs === null) return { done: true };
  // At most PIER_SYNC_CONCURRENCY slices at once per environment: otherwise try again in a few seconds.
  const holder = `${connection.integrationId}:${connection.connectionId}:${name}:${variant}`;
  if (!(await acquireSyncSlot(deps.env, connection.environmentId, holder, syncLeaseMs(deps.env))))
    return { done: false, retryAtMs: Date.now() + SLOT_RETRY_MS + Math.floor(Math.random() * SLOT_RETRY_MS) };
  let next: number | null;
  try {
    const slice = deps.schedule.beginSlice(name, variant);
    const outcome = await runSyncSlice(
      deps.env,
      connection,
      { name, variant, runId: slice.runId, lastSyncDate: slice.lastSyncDate },
      deps.waitUntil,
    );
    const continuing =
      outcome.kind === 'out_of_time' && (deps.schedule.get(name, variant)?.slices ?? 0) < MAX_SLICES_PER_RUN;
    const counts = continuing ? null : deps.records.takeRunCounts(slice.runId);
    next = deps.schedule.endSlice(name, variant, outcome, counts, Date.now());
    if (!continuing) {
      // Written in the same storage transaction as the run's end (no await in between): a crash from
      // here on leaves the report to its task, so the run's events are never lost.
      const report: PendingReport = {
        connection,
        run: { name, variant, runId: slice.runId, startedAt: slice.startedAt, type: row.type },
        outcome,
        counts: counts ?? {},
      };
      savePendingReport(deps.sql, slice.runId, JSON.stringify(report));
      upsertTask(deps.sql, {
        id: reportTaskId(slice.runId),
        kind: 'sync_report',
        dueAtMs: Date.now() + REPORT_RETRY_MS,
      });
      try {
        await runSyncReportTask(deps, reportTaskId(slice.runId));
        deleteTask(deps.sql, reportTaskId(slice.runId));
      } catch (err) {
        // The run itself is over; its report task tries again (the object's alarm covers it).
        console.error(JSON.stringify({ level: 'error', event: 'sync_report_failed', error: String(err) }));
      }
    }
  } finally {
    await releaseSyncSlot(deps.env, connection.environmentId, holder).catch(() => undefined);
  }
  return next === null ? { done: true } : { done: false, retryAtMs: next };
}

type PendingReport = {
  connection: { environmentId: number; integrationId: number; connectionId: string };
  run: Parameters<typeof reportSyncRun>[2];
  outcome: Parameters<typeof reportSyncRun>[3];
  counts: Parameters<typeof reportSyncRun>[4];
};

/** A report whose making failed (D1 down, a crash) is tried again this much later. */
export const REPORT_RETRY_MS = 30_000;
const reportTaskId = (runId: string) => `report:${runId}`;

/**
 * Makes a finished run's report (its log line and `sync` events, recorded once even when made
 * twice) and forgets it. Throws when D1 fails: the task stays and runs again.
 */
export async function runSyncReportTask(deps: SyncDeps, taskId: string): Promise<{ done: true }> {
  const runId = taskId.slice('report:'.length);
  const text = readPendingReport(deps.sql, runId);
  if (!text) return { done: true };
  const report = JSON.parse(text) as PendingReport;
  await reportSyncRun(deps.env, report.connection, report.run, report.outcome, report.counts, deps.waitUntil);
  deletePendingReport(deps.sql, runId);
  return { done: true };
}

/** Makes the object's syncs what is deployed (called on connection creation and on deploy). */
export function configureSyncs(deps: SyncDeps, deployed: DeployedSync[]): void {
  const { schedule: toSchedule, remove } = deps.schedule.configure(
    deployed.map(({ name, variant, frequencyMs, autoStart }) => ({ name, variant, frequencyMs, autoStart })),
    Date.now(),
  );
  for (const s of toSchedule) schedule(deps.sql, s.name, s.variant, s.atMs);
  for (const s of remove) schedule(deps.sql, s.name, s.variant, null);
}

export type SyncControl =
  | { action: 'start' | 'pause'; name: string; variant: string }
  | { action: 'trigger'; name: string; variant: string; reset: boolean; emptyCache: boolean; models: string[] };

/** Start, pause or trigger one sync; false when the connection has no such sync. */
export async function controlSync(deps: SyncDeps, control: SyncControl): Promise<boolean> {
  const now = Date.now();
  if (control.action === 'trigger') {
    if (!deps.schedule.trigger(control.name, control.variant, now, { reset: control.reset })) return false;
    const connection = ref(deps.sql);
    if (control.reset && connection)
      await clearSyncCheckpoint(
        deps.env,
        connection,
        control.variant === 'base' ? control.name : `${control.name}::${control.variant}`,
      );
    if (control.emptyCache)
      for (const model of control.models) await deps.records.erase({ model, variant: control.variant });
    schedule(deps.sql, control.name, control.variant, now);
    return true;
  }
  const next = deps.schedule.setEnabled(control.name, control.variant, control.action === 'start', now);
  if (next === null && !deps.schedule.get(control.name, control.variant)) return false;
  schedule(deps.sql, control.name, control.variant, next);
  return true;
}

export function setSyncFrequency(
  deps: SyncDeps,
  name: string,
  variant: string,
  frequencyMs: number | null,
): SyncRow | undefined {
  const row = deps.schedule.setFrequency(name, variant, frequencyMs);
  if (row?.enabled && row.status !== 'RUNNING' && row.nextRunAtMs !== null) {
    const frequency = row.frequencyOverrideMs ?? row.frequencyMs;
    const base = row.lastFinishedAt ? Date.parse(row.lastFinishedAt) : Date.now();
    schedule(deps.sql, name, variant, Math.max(Date.now(), base + frequency));
  }
  return row;
}

export function addSyncVariant(deps: SyncDeps, name: string, variant: string, frequencyMs: number): boolean {
  const added = deps.schedule.addVariant(name, variant, frequencyMs, Date.now());
  if (added) schedule(deps.sql, name, variant, Date.now());
  return added;
}

export async function removeSyncVariant(
  deps: SyncDeps,
  name: string,
  variant: string,
  models: string[],
): Promise<boolean> {
  const removed = deps.schedule.removeVariant(name, variant);
  schedule(deps.sql, name, variant, null);
  if (removed) for (const model of models) await deps.records.erase({ model, variant });
  return removed;
}
