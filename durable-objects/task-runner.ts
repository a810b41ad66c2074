/**
 * The work the ConnectionObject's one alarm runs from its `tasks` table: async actions, on-event
 * scripts, sync slices and sync reports. Each due task is leased first (its due time moved past the
 * run's limit), so a run lost with its process runs again when the lease ends.
 */
import { asyncLeaseMs, runAsyncAction } from '../workers/functions/async-actions.js';
import { runOnEventTask } from '../workers/functions/on-events.js';
import { deleteTask, dueTasks, upsertTask } from './connection-storage.js';
import { runSyncReportTask, runSyncTask, type SyncDeps, syncLeaseMs } from './sync-tasks.js';

/** Tasks run at once per alarm. */
export const TASKS_PER_ALARM = 5;

export async function runDueTasks(deps: {
  sql: SqlStorage;
  env: Env;
  syncDeps: () => SyncDeps;
  waitUntil: (promise: Promise<unknown>) => void;
}): Promise<void> {
  const { sql, env, waitUntil } = deps;
  const now = Date.now();
  const tasks = dueTasks(sql, now, TASKS_PER_ALARM);
  if (tasks.length === 0) return;
  for (const task of tasks)
    upsertTask(sql, { ...task, dueAtMs: now + (task.kind === 'sync' ? syncLeaseMs(env) : asyncLeaseMs(env)) });
  await Promise.all(
    tasks.map(async (task) => {
      try {
        const outcome =
          task.kind === 'on_event'
            ? await runOnEventTask(env, task.id, waitUntil).then(() => ({ done: true as const }))
            : task.kind === 'sync'
              ? await runSyncTask(deps.syncDeps(), task.id)
              : task.kind === 'sync_report'
                ? await runSyncReportTask(deps.syncDeps(), task.id)
                : await runAsyncAction(env, task.id, waitUntil);
        if (outcome.done) deleteTask(sql, task.id);
        else upsertTask(sql, { ...task, dueAtMs: outcome.retryAtMs });
      } catch (err) {
        // The lease stands: the task runs again when it ends (a D1 outage, say).
        console.error(JSON.stringify({ level: 'error', task: task.kind, error: (err as Error).name }));
      }
    }),
  );
}
