/**
 * Running deployed functions: the identity of a run, the call into dispatch, and turning the
 * script's result into an answer or a documented error. Every run leaves lines in the operations log.
 */
import type { Invocation, RunResult, ScriptFailure } from '../../sdk/scripts/protocol.js';
import { RecentMap } from '../cache/recent-map.js';
import type { PierConfig } from '../config.js';
import { requireConnection } from '../connections/service.js';
import { signRunToken } from '../crypto/run-token.js';
import type { Db } from '../db/client.js';
import type { ConnectionRow, EnvironmentRow, FunctionRow, IntegrationRow } from '../db/schema.js';
import { bindingKey, bindingOf, dispatchRun, type RunIdentity } from '../dispatch/run-script.js';
import { ApiError } from '../http/api-error.js';
import { queueOperation } from '../logs/service.js';
import type { NewOperation } from '../logs/store.js';
import { findFunctionRow } from './store.js';

export type RunScope = {
  env: Env;
  db: Db;
  config: PierConfig;
  environment: EnvironmentRow;
  requestId: string;
  waitUntil(promise: Promise<unknown>): void;
};

/** Wall-clock time an action may take, unless `PIER_ACTION_TIMEOUT_SECONDS` says otherwise (1–900). */
export const ACTION_TIMEOUT_MS = 60_000;

export function actionTimeoutMs(env: object): number {
  const seconds = Number((env as { PIER_ACTION_TIMEOUT_SECONDS?: string }).PIER_ACTION_TIMEOUT_SECONDS);
  return Number.isFinite(seconds) && seconds >= 1 && seconds <= 900 ? Math.round(seconds * 1000) : ACTION_TIMEOUT_MS;
}
/** How deep actions may trigger actions. */
export const MAX_ACTION_DEPTH = 3;
/** Script log lines kept in the operations log per run (the rest are counted). */
export const MAX_STORED_LOG_LINES = 200;

export type ActionTarget = {
  integration: IntegrationRow;
  connection: ConnectionRow;
  fn: FunctionRow;
};

/**
 * Triggers' lookups remembered 5 s per isolate, like the proxy's (a deleted connection or removed
 * action stops within 5 s everywhere, at once in the isolate that changed it).
 */
const recentActions = new RecentMap<ActionTarget>(5000, 5000, { forgetOnWrites: true });

/** The integration, connection and deployed action a trigger names; 404s in the documented shape. */
export async function resolveAction(
  scope: RunScope,
  integrationKey: string,
  connectionId: string,
  actionName: string,
): Promise<ActionTarget> {
  const key = `${scope.environment.id}\u0000${integrationKey}\u0000${connectionId}\u0000${actionName}`;
  const known = recentActions.get(key);
  if (known) return known;
  const target = await lookUpAction(scope, integrationKey, connectionId, actionName);
  recentActions.set(key, target);
  return target;
}

async function lookUpAction(
  scope: RunScope,
  integrationKey: string,
  connectionId: string,
  actionName: string,
): Promise<ActionTarget> {
  const { integration, row: connection } = await requireConnection(scope, connectionId, integrationKey);
  const [fn] = await findFunctionRow(scope.db, scope.environment.id, integration.id, actionName, 'action');
  if (!fn?.enabled)
    throw new ApiError(
      'unknown_action',
      404,
      `No action "${actionName}" is deployed for integration "${integrationKey}"`,
    );
  return { integration, connection, fn };
}

export function newRunIdentity(
  scope: RunScope,
  target: { integration: IntegrationRow; connection: ConnectionRow; fn: Pick<FunctionRow, 'name' | 'type'> },
  options: { timeoutMs: number; dryRun: boolean; depth: number; runId?: string; variant?: string },
): RunIdentity {
  return {
    ...(options.variant && options.variant !== 'base' ? { variant: options.variant } : {}),
    environmentId: scope.environment.id,
    integrationKey: target.integration.uniqueKey,
    connectionId: target.connection.connectionId,
    functionName: target.fn.name,
    kind: target.fn.type as RunIdentity['kind'],
    runId: options.runId ?? crypto.randomUUID(),
    expiresAt: Date.now() + options.timeoutMs,
    dryRun: options.dryRun,
    depth: options.depth,
  };
}

export type RunReport =
  | { outcome: 'success'; output: unknown; result: RunResult }
  | { outcome: 'failure'; error: ApiError; result?: RunResult };

/**
 * Dispatches one run and reports it; never throws for the script's own failures.
 *
 * @example const report = await executeRun(scope, fn.dispatchName, run, { input })
 */
export async function executeRun(
  scope: RunScope,
  dispatchName: string,
  run: RunIdentity,
  extra: Pick<Invocation, 'input' | 'checkpoint' | 'lastSyncDate' | 'variant' | 'webhookPayload'>,
): Promise<RunReport> {
  const started = Date.now();
  const invocation: Invocation = {
    kind: run.kind,
    runId: run.runId,
    runToken: await signRunToken(scope.config, run.runId, run.expiresAt, bindingKey(bindingOf(run))),
    connectionId: run.connectionId,
    providerConfigKey: run.integrationKey,
    ...extra,
  };
  let outcome: Awaited<ReturnType<typeof dispatchRun>>;
  try {
    outcome = await dispatchRun(scope.env, dispatchName, run, invocation);
  } catch (err) {
    // The script's isolate failed (a module that throws on load, CPU limit exceeded, out of memory):
    // the script's failure, not the platform's.
    const report: RunReport = {
      outcome: 'failure',
      error: new ApiError(
        'script_error',
        500,
        `The ${run.kind} "${run.functionName}" could not run: ${err instanceof Error ? `${err.name}: ${err.message.split('\n')[0]?.slice(0, 300)}` : 'isolate failure'}`,
      ),
    };
    if (!run.dryRun) logRun(scope, run, report, Date.now() - started);
    return report;
  }
  let report: RunReport;
  if (!outcome.ok)
    report = {
      outcome: 'failure',
      error:
        outcome.reason === 'timeout'
          ? new ApiError(
              'script_timeout',
              504,
              `The ${run.kind} "${run.functionName}" did not finish within ${Math.round((run.expiresAt - started) / 1000)} s`,
            )
          : new ApiError(
              'script_not_deployed',
              500,
              `The code of "${run.functionName}" is missing from the script namespace; deploy it again`,
            ),
    };
  else if (outcome.result.ok) report = { outcome: 'success', output: outcome.result.output, result: outcome.result };
  else report = { outcome: 'failure', error: failureToError(run, outcome.result.error), result: outcome.result };
  if (!run.dryRun) logRun(scope, run, report, Date.now() - started);
  return report;
}

/** A script's failure as the API reports it. */
export function failureToError(run: Pick<RunIdentity, 'kind' | 'functionName'>, failure: ScriptFailure): ApiError {
  switch (failure.type) {
    case 'invalid_input':
      return new ApiError('invalid_action_input', 400, failure.message, failure.issues);
    case 'invalid_output':
      return new ApiError('invalid_action_output', 500, failure.message, failure.issues);
    case 'action_error':
      return new ApiError('action_script_failure', 500, failure.message, undefined, undefined, {
        payload: failure.payload ?? {},
      });
    case 'wrong_kind':
      return new ApiError('script_error', 500, failure.message);
    case 'script_error':
      if (failure.upstream)
        return new ApiError('script_http_error', 424, failure.message, undefined, undefined, {
          payload: {},
          upstream: failure.upstream,
        });
      return new ApiError('script_error', 500, `The ${run.kind} "${run.functionName}" failed: ${failure.message}`);
  }
}

function logRun(scope: RunScope, run: RunIdentity, report: RunReport, durationMs: number): void {
  const base = {
    environmentId: scope.environment.id,
    connectionId: run.connectionId,
    integrationKey: run.integrationKey,
    provider: null,
    method: null,
    retries: 0,
    bytes: null,
    requestId: run.runId,
    createdAt: new Date().toISOString(),
  } satisfies Partial<NewOperation>;
  const lines: NewOperation[] = [];
  const logs = report.result?.logs ?? [];
  for (const line of logs.slice(0, MAX_STORED_LOG_LINES))
    lines.push({
      ...base,
      type: 'script_log',
      outcome: line.level === 'error' ? 'failure' : 'success',
      path: run.functionName,
      method: line.level,
      status: null,
      durationMs: 0,
      errorCode: null,
      message: line.message,
      createdAt: line.at,
    });
  if (logs.length > MAX_STORED_LOG_LINES)
    lines.push({
      ...base,
      type: 'script_log',
      outcome: 'success',
      path: run.functionName,
      method: 'warn',
      status: null,
      durationMs: 0,
      errorCode: null,
      message: `${logs.length - MAX_STORED_LOG_LINES} more log lines of this run were not kept`,
    });
  lines.push({
    ...base,
    type: run.kind,
    outcome: report.outcome,
    path: run.functionName,
    status: report.outcome === 'success' ? 200 : report.error.status,
    durationMs,
    errorCode: report.outcome === 'success' ? null : report.error.code,
    message: report.outcome === 'success' ? null : report.error.message.slice(0, 1_000),
  });
  for (const line of lines) queueOperation(scope.db, line, scope.waitUntil);
}

/**
 * Runs a deployed action synchronously and returns its output (or throws the documented error).
 *
 * @example const output = await runAction(scope, { integrationKey: 'github', connectionId: 'u-1', actionName: 'create-issue', input })
 */
export async function runAction(
  scope: RunScope,
  request: { integrationKey: string; connectionId: string; actionName: string; input: unknown; depth?: number },
): Promise<unknown> {
  const depth = request.depth ?? 0;
  if (depth > MAX_ACTION_DEPTH)
    throw new ApiError('script_error', 400, `Actions may trigger actions at most ${MAX_ACTION_DEPTH} deep`);
  const target = await resolveAction(scope, request.integrationKey, request.connectionId, request.actionName);
  const run = newRunIdentity(scope, target, { timeoutMs: actionTimeoutMs(scope.env), dryRun: false, depth });
  const report = await executeRun(scope, target.fn.dispatchName, run, { input: request.input ?? null });
  if (report.outcome === 'failure') throw report.error;
  return report.output;
}
