import { type Context, Hono } from 'hono';
import { z } from 'zod';
import {
  deleteFunctionQuerySchema,
  deployBodySchema,
  dryrunBodySchema,
  functionPathSchema,
  getFunctionQuerySchema,
  listFunctionsQuerySchema,
  triggerActionBodySchema,
  triggerActionHeadersSchema,
} from '../../sdk/contract/functions.js';
import { integrationPathSchema } from '../../sdk/contract/integrations.js';
import type { AppEnv } from '../app-env.js';
import { asyncActionAnswer, enqueueAsyncAction } from '../functions/async-actions.js';
import { deployFunctions, formatFunction, removeFunction } from '../functions/deploy.js';
import { dryrunFunction } from '../functions/dryrun.js';
import { type RunScope, resolveAction, runAction } from '../functions/runs.js';
import { findFunctionRow, listFunctionRows } from '../functions/store.js';
import { ApiError } from '../http/api-error.js';
import { check, readJsonBody, readParams, readQuery } from '../http/validate.js';
import { findIntegrationRow, listIntegrationRows } from '../integrations/store.js';
import { requireSecretKey } from '../middleware/secret-key.js';
import { configureIntegrationSyncs } from '../syncs/service.js';

/** Deploys carry every script's bundle. */
const MAX_DEPLOY_BODY_BYTES = 32 * 1024 * 1024;

const runScopeOf = (c: Context<AppEnv>): RunScope => ({
  env: c.env,
  db: c.get('db'),
  config: c.get('config'),
  environment: c.get('environment'),
  requestId: c.get('requestId'),
  waitUntil: (promise) => c.executionCtx.waitUntil(promise),
});

async function integrationOf(c: Context<AppEnv>, uniqueKey: string) {
  const row = await findIntegrationRow(c.get('db'), c.get('environment').id, uniqueKey);
  if (!row) throw new ApiError('unknown_provider_config', 404, `No integration "${uniqueKey}" in this environment`);
  return row;
}

/** `POST /functions/deployments` and `POST /functions/dryruns` (what the `pier` CLI calls). */
export const functionRoutes = new Hono<AppEnv>({ strict: false })
  .use(requireSecretKey)
  .post('/deployments', async (c) => {
    const body = await readJsonBody(c, deployBodySchema, MAX_DEPLOY_BODY_BYTES);
    const scope = { db: c.get('db'), env: c.env, environment: c.get('environment') };
    const result = await deployFunctions(scope, body);
    // Every connection of the deployed integrations gets the syncs now deployed.
    if (result.applied) {
      const integrations = [];
      for (const key of body.integrations) {
        const row = await findIntegrationRow(scope.db, scope.environment.id, key);
        if (row) integrations.push(row);
      }
      await configureIntegrationSyncs(scope, integrations);
    }
    return c.json({ data: result });
  })
  .post('/dryruns', async (c) => {
    const body = await readJsonBody(c, dryrunBodySchema, MAX_DEPLOY_BODY_BYTES);
    return c.json({ data: await dryrunFunction(runScopeOf(c), body) });
  });

/** Nango's listing routes under `/integrations/:uniqueKey/functions` (mounted by the integration routes, behind their key check). */
export const integrationFunctionRoutes = new Hono<AppEnv>({ strict: false })
  .get('/:uniqueKey/functions', async (c) => {
    const { uniqueKey } = readParams(c, integrationPathSchema);
    const query = readQuery(c, listFunctionsQuerySchema);
    const integration = await integrationOf(c, uniqueKey);
    const rows = (await listFunctionRows(c.get('db'), c.get('environment').id, [integration.id]))
      .filter((row) => !query.type || row.type === query.type)
      .filter((row) => !query.search || row.name.toLowerCase().includes(query.search.toLowerCase()))
      .sort((a, b) => a.name.localeCompare(b.name) || a.type.localeCompare(b.type));
    const page = rows.slice(query.page * query.limit, (query.page + 1) * query.limit);
    return c.json({
      data: page.map(formatFunction),
      pagination: { total: rows.length, page: query.page, limit: query.limit },
    });
  })
  .get('/:uniqueKey/functions/:name', async (c) => {
    const { uniqueKey, name } = readParams(c, functionPathSchema);
    const { type } = readQuery(c, getFunctionQuerySchema);
    const integration = await integrationOf(c, uniqueKey);
    const rows = await findFunctionRow(c.get('db'), c.get('environment').id, integration.id, name, type);
    if (rows.length === 0)
      throw new ApiError('unknown_function', 404, `No function "${name}" deployed for integration "${uniqueKey}"`);
    if (rows.length > 1)
      throw new ApiError(
        'ambiguous_function',
        409,
        `Several functions are named "${name}" (${rows.map((r) => r.type).join(', ')}); pass type`,
      );
    return c.json({ data: formatFunction(rows[0] as (typeof rows)[number]) });
  })
  .delete('/:uniqueKey/functions/:name', async (c) => {
    const { uniqueKey, name } = readParams(c, functionPathSchema);
    const { type } = readQuery(c, deleteFunctionQuerySchema);
    const integration = await integrationOf(c, uniqueKey);
    const [row] = await findFunctionRow(c.get('db'), c.get('environment').id, integration.id, name, type);
    if (!row)
      throw new ApiError('unknown_function', 404, `No ${type} "${name}" deployed for integration "${uniqueKey}"`);
    await removeFunction({ db: c.get('db'), env: c.env, environment: c.get('environment') }, row);
    return c.json({ data: { success: true } });
  });

const scriptsConfigQuerySchema = z.object({ format: z.enum(['nango']).optional() });

/** `GET /scripts/config`: every integration's deployed functions, grouped. */
export const scriptsConfigRoutes = new Hono<AppEnv>({ strict: false })
  .use(requireSecretKey)
  .get('/config', async (c) => {
    readQuery(c, scriptsConfigQuerySchema);
    const db = c.get('db');
    const environmentId = c.get('environment').id;
    const integrations = await listIntegrationRows(db, environmentId);
    const rows = await listFunctionRows(
      db,
      environmentId,
      integrations.map((i) => i.id),
    );
    return c.json(
      integrations
        .map((integration) => {
          const mine = rows.filter((row) => row.integrationId === integration.id).map(formatFunction);
          return {
            providerConfigKey: integration.uniqueKey,
            provider: integration.provider,
            syncs: mine.filter((f) => f.type === 'sync'),
            actions: mine.filter((f) => f.type === 'action'),
            'on-events': mine.filter((f) => f.type === 'on-event'),
          };
        })
        .filter((entry) => entry.syncs.length + entry.actions.length + entry['on-events'].length > 0),
    );
  });

const asyncActionPathSchema = z.object({ id: z.uuid() });

/** `POST /action/trigger` (synchronous, or with `X-Async: true` run by the connection's object) and `GET /action/:id`. */
export const actionRoutes = new Hono<AppEnv>({ strict: false })
  .use(requireSecretKey)
  .get('/:id', async (c) => {
    const { id } = readParams(c, asyncActionPathSchema);
    const answer = await asyncActionAnswer({ db: c.get('db'), environment: c.get('environment') }, id);
    return c.json(answer.body ?? null, answer.status);
  })
  .post('/trigger', async (c) => {
    const headers = check(
      triggerActionHeadersSchema,
      Object.fromEntries(c.req.raw.headers),
      'invalid_headers',
      'header',
    );
    const body = await readJsonBody(c, triggerActionBodySchema, 10 * 1024 * 1024);
    if (headers['x-async'] === 'true') {
      const scope = runScopeOf(c);
      const target = await resolveAction(
        scope,
        headers['provider-config-key'],
        headers['connection-id'],
        body.action_name,
      );
      return c.json(await enqueueAsyncAction(scope, target, body.input, headers['x-max-retries'] ?? 0));
    }
    const output = await runAction(runScopeOf(c), {
      integrationKey: headers['provider-config-key'],
      connectionId: headers['connection-id'],
      actionName: body.action_name,
      input: body.input,
    });
    return c.json(output ?? null);
  });
