/**
 * Deploying functions: compare what the CLI uploaded with what is deployed, show the plan, refuse
 * destructive changes unless allowed, then put the changed code into the script namespace and the
 * definitions into D1.
 */
import { and, eq } from 'drizzle-orm';
import type { z } from 'zod';
import { parseFrequency } from '../../durable-objects/sync-policy.js';
import type {
  DeployedFunction,
  DeployPlan,
  deployBodySchema,
  FunctionDefinition,
} from '../../sdk/contract/functions.js';
import { forgetRecentRows } from '../cache/recent-map.js';
import { toHex } from '../crypto/encoding.js';
import type { Db } from '../db/client.js';
import { type EnvironmentRow, type FunctionRow, functions, type IntegrationRow } from '../db/schema.js';
import { NamespaceError, putScript, removeScript } from '../dispatch/namespace.js';
import { ApiError } from '../http/api-error.js';
import { findIntegrationRow } from '../integrations/store.js';
import { listFunctionRows } from './store.js';

export type DeployScope = { db: Db; env: Env; environment: EnvironmentRow };
type DeployBody = z.output<typeof deployBodySchema>;
type Upload = DeployBody['functions'][number];

async function sha256(text: string): Promise<string> {
  return toHex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

/** Stable JSON (sorted keys) so equal definitions hash equally. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

function definitionOf(upload: Upload): FunctionDefinition {
  const { integration: _integration, bundle: _bundle, ...definition } = upload;
  return definition;
}

/** The name a function's code has in the script namespace: stable across deploys of it. */
export async function dispatchNameFor(environmentId: number, integrationKey: string, type: string, name: string) {
  return `pier-e${environmentId}-${(await sha256(`${integrationKey}\u0000${type}\u0000${name}`)).slice(0, 24)}`;
}

function describeChanges(before: FunctionDefinition, after: FunctionDefinition, codeChanged: boolean): string[] {
  const changes: string[] = [];
  if (codeChanged) changes.push('code');
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)]) as Set<keyof FunctionDefinition>)
    if (canonical(before[key]) !== canonical(after[key])) changes.push(key);
  return changes;
}

type Planned = {
  plan: DeployPlan;
  writes: {
    upload: Upload;
    integration: IntegrationRow;
    existing?: FunctionRow;
    bundleHash: string;
    definitionHash: string;
    codeChanged: boolean;
  }[];
  removals: FunctionRow[];
  integrationsById: Map<number, IntegrationRow>;
};

async function planDeploy(scope: DeployScope, body: DeployBody): Promise<Planned> {
  const integrationsByKey = new Map<string, IntegrationRow>();
  for (const key of body.integrations) {
    const row = await findIntegrationRow(scope.db, scope.environment.id, key);
    if (!row)
      throw new ApiError(
        'unknown_provider_config',
        404,
        `No integration "${key}" in this environment: create it before deploying its scripts`,
      );
    integrationsByKey.set(key, row);
  }
  const integrationsById = new Map([...integrationsByKey.values()].map((row) => [row.id, row]));
  const existing = await listFunctionRows(scope.db, scope.environment.id, [...integrationsById.keys()]);
  const keyOf = (integrationId: number, type: string, name: string) => `${integrationId}/${type}/${name}`;
  const existingByKey = new Map(existing.map((row) => [keyOf(row.integrationId, row.type, row.name), row]));
  const plan: DeployPlan = { create: [], update: [], unchanged: [], remove: [], destructive: [] };
  const writes: Planned['writes'] = [];
  const seen = new Set<string>();

  for (const upload of body.functions) {
    const integration = integrationsByKey.get(upload.integration) as IntegrationRow;
    if (upload.type === 'on-event' && !upload.event)
      throw new ApiError('invalid_body', 400, `On-event script "${upload.name}" names no event`);
    if (upload.type === 'sync' && parseFrequency(upload.frequency ?? '') === undefined)
      throw new ApiError(
        'invalid_body',
        400,
        `Sync "${upload.name}" has frequency "${upload.frequency ?? ''}": use e.g. "every hour" or "30m" (30 seconds to 31 days)`,
      );
    const key = keyOf(integration.id, upload.type, upload.name);
    seen.add(key);
    const entry = { integration: upload.integration, type: upload.type, name: upload.name };
    const definition = definitionOf(upload);
    const bundleHash = await sha256(upload.bundle);
    const definitionHash = await sha256(canonical(definition));
    const before = existingByKey.get(key);
    if (!before) {
      plan.create.push(entry);
      writes.push({ upload, integration, bundleHash, definitionHash, codeChanged: true });
      continue;
    }
    const codeChanged = before.bundleHash !== bundleHash;
    if (!codeChanged && before.definitionHash === definitionHash && before.enabled) {
      plan.unchanged.push(entry);
      continue;
    }
    const previous = JSON.parse(before.definition) as FunctionDefinition;
    plan.update.push({ ...entry, changes: describeChanges(previous, definition, codeChanged) });
    for (const model of Object.keys(previous.models ?? {}))
      if (!(model in (definition.models ?? {})))
        plan.destructive.push(
          `sync "${upload.name}" of ${upload.integration} no longer has model "${model}" (renamed or removed)`,
        );
    writes.push({ upload, integration, existing: before, bundleHash, definitionHash, codeChanged });
  }
  const removals = existing.filter((row) => !seen.has(keyOf(row.integrationId, row.type, row.name)));
  for (const row of removals) {
    const integrationKey = integrationsById.get(row.integrationId)?.uniqueKey ?? '?';
    plan.remove.push({ integration: integrationKey, type: row.type as Upload['type'], name: row.name });
    plan.destructive.push(`${row.type} "${row.name}" of ${integrationKey} is removed`);
  }
  return { plan, writes, removals, integrationsById };
}

/**
 * Plans and (unless `dry_run`) applies a deploy. Destructive changes need `allow_destructive`.
 *
 * @example await deployFunctions(scope, { integrations: ['github'], functions: [...], allow_destructive: false })
 */
export async function deployFunctions(
  scope: DeployScope,
  body: DeployBody,
): Promise<{ plan: DeployPlan; applied: boolean }> {
  const { plan, writes, removals } = await planDeploy(scope, body);
  if (body.dry_run) return { plan, applied: false };
  if (plan.destructive.length > 0 && !body.allow_destructive)
    throw new ApiError(
      'destructive_changes',
      409,
      `This deploy makes destructive changes; confirm them (pier deploy asks, or pass --allow-destructive): ${plan.destructive.join('; ')}`,
    );
  const now = new Date().toISOString();
  for (const write of writes) {
    const { upload, integration } = write;
    const dispatchName = await dispatchNameFor(scope.environment.id, integration.uniqueKey, upload.type, upload.name);
    // Code first: a definition never points at code that is not there.
    if (write.codeChanged)
      await putScript(scope.env, dispatchName, upload.bundle, write.bundleHash).catch((err: unknown) => {
        if (err instanceof NamespaceError) throw new ApiError('upstream_error', 502, err.message);
        throw err;
      });
    const values = {
      version: upload.version ?? null,
      definition: JSON.stringify(definitionOf(upload)),
      dispatchName,
      bundleHash: write.bundleHash,
      definitionHash: write.definitionHash,
      enabled: true,
      updatedAt: now,
    };
    if (write.existing) await scope.db.update(functions).set(values).where(eq(functions.id, write.existing.id));
    else
      await scope.db.insert(functions).values({
        ...values,
        environmentId: scope.environment.id,
        integrationId: integration.id,
        name: upload.name,
        type: upload.type,
      });
  }
  for (const row of removals) await removeFunction(scope, row);
  forgetRecentRows();
  return { plan, applied: true };
}

/** Deletes a function's definition, then its code. */
export async function removeFunction(scope: DeployScope, row: FunctionRow): Promise<void> {
  await scope.db
    .delete(functions)
    .where(and(eq(functions.id, row.id), eq(functions.environmentId, scope.environment.id)));
  forgetRecentRows();
  await removeScript(scope.env, row.dispatchName);
}

/** A deployed function in the reference API's shape. */
export function formatFunction(row: FunctionRow): DeployedFunction {
  const definition = JSON.parse(row.definition) as FunctionDefinition;
  const common = {
    id: row.id,
    name: row.name,
    description: definition.description,
    scopes: definition.scopes ?? [],
    version: row.version,
    enabled: row.enabled,
    last_deployed: row.updatedAt,
    source: 'repo' as const,
  };
  switch (row.type) {
    case 'sync':
      return {
        ...common,
        type: 'sync',
        returns: Object.keys(definition.models ?? {}),
        json_schema: definition.models ? { models: definition.models } : null,
        runs: definition.frequency ?? null,
        auto_start: definition.auto_start ?? true,
        track_deletes: definition.track_deletes ?? false,
        ...(definition.metadata_schema ? { input: 'Metadata' } : {}),
      };
    case 'on-event':
      return { ...common, type: 'on-event', event: definition.event };
    default:
      return {
        ...common,
        type: 'action',
        input: definition.input_schema ? 'Input' : undefined,
        returns: definition.output_schema ? ['Output'] : [],
        json_schema:
          definition.input_schema || definition.output_schema
            ? { input: definition.input_schema ?? null, output: definition.output_schema ?? null }
            : null,
      };
  }
}
