/**
 * Syncs as the API sees them: which syncs a connection gets (what is deployed for its
 * integration), the control routes (trigger, start, pause, frequency, variants) and status. The
 * schedule itself lives in each connection's Durable Object.
 */

import { eq } from 'drizzle-orm';
import { connectionStub } from '../../durable-objects/connection-name.js';
import { parseFrequency } from '../../durable-objects/sync-policy.js';
import type { SyncRow } from '../../durable-objects/sync-schedule.js';
import type { DeployedSync } from '../../durable-objects/sync-tasks.js';
import type { FunctionDefinition } from '../../sdk/contract/functions.js';
import type { ConnectionScope } from '../connections/service.js';
import { resolveIntegration } from '../connections/service.js';
import { findConnectionRow } from '../connections/store.js';
import {
  type ConnectionRow,
  connections as connectionsTable,
  type FunctionRow,
  type IntegrationRow,
} from '../db/schema.js';
import { listFunctionRows, readCheckpoint } from '../functions/store.js';
import { ApiError } from '../http/api-error.js';
import { type RecordsEnv, shardDatabase } from '../records/shards.js';
import { countRecords } from '../records/store.js';

export const DEFAULT_FREQUENCY_MS = 3_600_000;

export type SyncFunction = { row: FunctionRow; definition: FunctionDefinition; frequencyMs: number };

export async function deployedSyncs(
  scope: Pick<ConnectionScope, 'db' | 'environment'>,
  integrationId: number,
): Promise<SyncFunction[]> {
  return (await listFunctionRows(scope.db, scope.environment.id, [integrationId]))
    .filter((row) => row.type === 'sync' && row.enabled)
    .map((row) => {
      const definition = JSON.parse(row.definition) as FunctionDefinition;
      return { row, definition, frequencyMs: parseFrequency(definition.frequency ?? '') ?? DEFAULT_FREQUENCY_MS };
    });
}

function asDeployed(syncs: SyncFunction[]): DeployedSync[] {
  return syncs.map((s) => ({
    name: s.row.name,
    variant: 'base',
    frequencyMs: s.frequencyMs,
    autoStart: s.definition.auto_start ?? true,
    models: Object.keys(s.definition.models ?? {}),
  }));
}

const stubOf = (scope: Pick<ConnectionScope, 'env' | 'environment'>, integrationId: number, connectionId: string) =>
  connectionStub(scope.env, { environmentId: scope.environment.id, integrationId, connectionId });

/** Gives one connection the integration's deployed syncs (on creation). */
export async function configureConnectionSyncs(
  scope: ConnectionScope,
  integration: IntegrationRow,
  row: ConnectionRow,
): Promise<void> {
  const syncs = await deployedSyncs(scope, integration.id);
  if (syncs.length === 0) return;
  await stubOf(scope, integration.id, row.connectionId).configureSyncs(asDeployed(syncs));
}

/** After a deploy: every connection of the integrations gets the syncs now deployed (added, changed, removed). */
export async function configureIntegrationSyncs(
  scope: Pick<ConnectionScope, 'db' | 'env' | 'environment'>,
  integrations: IntegrationRow[],
): Promise<void> {
  for (const integration of integrations) {
    const deployed = asDeployed(await deployedSyncs(scope, integration.id));
    const rows = await scope.db
      .select({ connectionId: connectionsTable.connectionId })
      .from(connectionsTable)
      .where(eq(connectionsTable.integrationId, integration.id));
    // A few at a time: each is one call to a connection's object.
    for (let i = 0; i < rows.length; i += 20)
      await Promise.all(
        rows.slice(i, i + 20).map((row) => stubOf(scope, integration.id, row.connectionId).configureSyncs(deployed)),
      );
  }
}

export type SyncRef = { name: string; variant: string };

/** `syncs` as the API takes it: names, `name::variant`, or `{ name, variant }`. */
export function readSyncRefs(syncs: (string | { name: string; variant?: string })[]): SyncRef[] {
  return syncs.map((s) => {
    if (typeof s !== 'string') return { name: s.name, variant: s.variant ?? 'base' };
    const [name = s, variant = 'base'] = s.split('::');
    return { name, variant };
  });
}

type Target = { integration: IntegrationRow; connections: ConnectionRow[]; syncs: SyncFunction[] };

/** The integration, the connection(s) (one, or all of the integration) and the named deployed syncs (all when none named). */
export async function resolveSyncTargets(
  scope: ConnectionScope,
  input: { integrationKey: string; connectionId?: string; syncs: SyncRef[] },
): Promise<Target & { refs: SyncRef[] }> {
  const { integration } = await resolveIntegration(scope, input.integrationKey);
  const syncs = await deployedSyncs(scope, integration.id);
  for (const ref of input.syncs)
    if (!syncs.some((s) => s.row.name === ref.name))
      throw new ApiError(
        'unknown_sync',
        404,
        `No sync "${ref.name}" is deployed for integration "${integration.uniqueKey}"`,
      );
  let connections: ConnectionRow[];
  if (input.connectionId) {
    const row = await findConnectionRow(scope.db, scope.environment.id, integration.id, input.connectionId);
    if (!row)
      throw new ApiError(
        'unknown_connection',
        404,
        `No connection "${input.connectionId}" for integration "${integration.uniqueKey}"`,
      );
    connections = [row];
  } else
    connections = await scope.db
      .select()
      .from(connectionsTable)
      .where(eq(connectionsTable.integrationId, integration.id));
  const refs = input.syncs.length > 0 ? input.syncs : syncs.map((s) => ({ name: s.row.name, variant: 'base' }));
  return { integration, connections, syncs, refs };
}

export async function controlSyncs(
  scope: ConnectionScope,
  input: { integrationKey: string; connectionId?: string; syncs: SyncRef[] },
  action: 'start' | 'pause' | { trigger: { reset: boolean; emptyCache: boolean } },
): Promise<void> {
  const target = await resolveSyncTargets(scope, input);
  for (const connection of target.connections) {
    const stub = stubOf(scope, target.integration.id, connection.connectionId);
    // A connection made before its syncs were deployed gets them now.
    await stub.configureSyncs(asDeployed(target.syncs));
    for (const ref of target.refs) {
      const models = Object.keys(target.syncs.find((s) => s.row.name === ref.name)?.definition.models ?? {});
      const found = await stub.controlSync(
        typeof action === 'string'
          ? { action, name: ref.name, variant: ref.variant }
          : {
              action: 'trigger',
              name: ref.name,
              variant: ref.variant,
              reset: action.trigger.reset,
              emptyCache: action.trigger.emptyCache,
              models,
            },
      );
      if (!found && input.connectionId)
        throw new ApiError(
          'unknown_sync',
          404,
          `Connection "${connection.connectionId}" has no sync "${ref.name}" (variant "${ref.variant}")`,
        );
    }
  }
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** `GET /sync/status`: the named syncs (or all, `*`) of a connection or of every connection of the integration. */
export async function syncStatuses(
  scope: ConnectionScope,
  input: { integrationKey: string; connectionId?: string; syncs: SyncRef[] | '*' },
) {
  const target = await resolveSyncTargets(scope, {
    integrationKey: input.integrationKey,
    connectionId: input.connectionId,
    syncs: input.syncs === '*' ? [] : input.syncs,
  });
  const out = [];
  for (const connection of target.connections) {
    const rows: SyncRow[] = await stubOf(scope, target.integration.id, connection.connectionId).syncStatus();
    const counts = connection.recordsDb
      ? await countRecords(shardDatabase(scope.env as unknown as RecordsEnv, connection.recordsDb), connection.id)
      : [];
    for (const row of rows) {
      if (input.syncs !== '*' && !target.refs.some((r) => r.name === row.name && r.variant === row.variant)) continue;
      const models = Object.keys(target.syncs.find((s) => s.row.name === row.name)?.definition.models ?? {});
      const key = row.variant === 'base' ? row.name : `${row.name}::${row.variant}`;
      const checkpoint = await readCheckpoint(scope.db, connection.id, key);
      out.push({
        id: `${connection.id}:${key}`,
        connection_id: connection.connectionId,
        name: row.name,
        variant: row.variant,
        status: row.status,
        type: row.type,
        finishedAt: row.lastFinishedAt,
        nextScheduledSyncAt: row.enabled || row.nextRunAtMs ? iso(row.nextRunAtMs) : null,
        frequency: `every ${Math.round((row.frequencyOverrideMs ?? row.frequencyMs) / 60_000)} minutes`,
        latestResult: row.lastResult?.counts ?? {},
        latestRun: row.lastResult
          ? { startedAt: row.lastResult.startedAt, finishedAt: row.lastResult.finishedAt }
          : null,
        error: row.lastError,
        recordCount: Object.fromEntries(
          models.map((m) => [m, counts.find((c) => c.model === m && c.variant === row.variant)?.count ?? 0]),
        ),
        checkpoint: checkpoint ? JSON.parse(checkpoint) : null,
      });
    }
  }
  return { syncs: out };
}

export async function updateConnectionFrequency(
  scope: ConnectionScope,
  input: { integrationKey: string; connectionId: string; name: string; variant: string; frequency: string | null },
): Promise<{ frequency: string | null }> {
  let frequencyMs: number | null = null;
  if (input.frequency !== null) {
    const parsed = parseFrequency(input.frequency);
    if (parsed === undefined)
      throw new ApiError(
        'invalid_body',
        400,
        `"${input.frequency}" is not a frequency (e.g. "every 30 minutes"; 30 s to 31 days)`,
      );
    frequencyMs = parsed;
  }
  const target = await resolveSyncTargets(scope, {
    integrationKey: input.integrationKey,
    connectionId: input.connectionId,
    syncs: [{ name: input.name, variant: input.variant }],
  });
  const connection = target.connections[0] as ConnectionRow;
  const stub = stubOf(scope, target.integration.id, connection.connectionId);
  await stub.configureSyncs(asDeployed(target.syncs));
  const row = await stub.setSyncFrequency({ name: input.name, variant: input.variant, frequencyMs });
  if (!row)
    throw new ApiError('unknown_sync', 404, `No sync "${input.name}" (variant "${input.variant}") on this connection`);
  return { frequency: input.frequency };
}

export async function changeVariant(
  scope: ConnectionScope,
  input: { integrationKey: string; connectionId: string; name: string; variant: string },
  add: boolean,
): Promise<{ id: string; name: string; variant: string }> {
  if (input.variant === 'base') throw new ApiError('invalid_path_params', 400, 'The base variant always exists');
  const target = await resolveSyncTargets(scope, {
    integrationKey: input.integrationKey,
    connectionId: input.connectionId,
    syncs: [{ name: input.name, variant: input.variant }],
  });
  const connection = target.connections[0] as ConnectionRow;
  const sync = target.syncs.find((s) => s.row.name === input.name) as SyncFunction;
  const stub = stubOf(scope, target.integration.id, connection.connectionId);
  await stub.configureSyncs(asDeployed(target.syncs));
  const changed = add
    ? await stub.addSyncVariant({ name: input.name, variant: input.variant, frequencyMs: sync.frequencyMs })
    : await stub.removeSyncVariant({
        name: input.name,
        variant: input.variant,
        models: Object.keys(sync.definition.models ?? {}),
      });
  if (add && !changed)
    throw new ApiError('duplicate_sync_variant', 409, `Variant "${input.variant}" of "${input.name}" exists already`);
  if (!add && !changed)
    throw new ApiError('unknown_sync', 404, `No variant "${input.variant}" of "${input.name}" on this connection`);
  return { id: `${connection.id}:${input.name}::${input.variant}`, name: input.name, variant: input.variant };
}
