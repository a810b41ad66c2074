import { type Context, Hono } from 'hono';
import { listRecordsQuerySchema, pruneRecordsBodySchema, recordsHeadersSchema } from '../../sdk/contract/records.js';
import type { AppEnv } from '../app-env.js';
import { RecentMap } from '../cache/recent-map.js';
import { requireConnection } from '../connections/service.js';
import type { ConnectionRow } from '../db/schema.js';
import { ApiError } from '../http/api-error.js';
import { check, readJsonBody, readQuery } from '../http/validate.js';
import { requireSecretKey, requireSecretKeyCached } from '../middleware/secret-key.js';
import { knownModels, listRecordsJson, prune } from '../records/service.js';
import type { RecordsEnv } from '../records/shards.js';

/**
 * Lookups of (connection, model) remembered 5 s per isolate, like the proxy's: a deleted connection
 * or removed sync stops being readable within 5 s everywhere, at once in the isolate that changed it.
 */
const recentTargets = new RecentMap<ConnectionRow>(5_000, 5_000, { forgetOnWrites: true });

/** The connection the `Connection-Id` / `Provider-Config-Key` headers name, and a check of the model. */
async function target(c: Context<AppEnv>, model: string) {
  const headers = check(recordsHeadersSchema, Object.fromEntries(c.req.raw.headers), 'invalid_headers', 'header');
  const key = `${c.get('environment').id}\u0000${headers['provider-config-key']}\u0000${headers['connection-id']}\u0000${model}`;
  const known = recentTargets.get(key);
  if (known) return known;
  const row = await lookUp(c, headers, model);
  // A connection whose records database is not chosen yet is about to get one: not remembered.
  if (row.recordsDb) recentTargets.set(key, row);
  return row;
}

async function lookUp(
  c: Context<AppEnv>,
  headers: { 'connection-id': string; 'provider-config-key': string },
  model: string,
) {
  const scope = { db: c.get('db'), config: c.get('config'), env: c.env, environment: c.get('environment') };
  const { integration, row } = await requireConnection(scope, headers['connection-id'], headers['provider-config-key']);
  const models = await knownModels(scope.db, scope.environment.id, integration.id);
  if (!models.has(model))
    throw new ApiError(
      'unknown_model',
      404,
      `No deployed sync of "${integration.uniqueKey}" has a model "${model}"${models.size ? ` (models: ${[...models].join(', ')})` : ''}`,
    );
  return row;
}

/** `GET /records` (and `/records/`): a page of a connection's records of one model, by change order. */
export const recordRoutes = new Hono<AppEnv>({ strict: false })
  // Page reads are the hot path, like the proxy: the key's lookup is remembered 5 s (see the middleware).
  .get('/', requireSecretKeyCached, async (c) => {
    const query = readQuery(c, listRecordsQuerySchema);
    const row = await target(c, query.model);
    const body = await listRecordsJson(c.env as unknown as RecordsEnv, row, {
      model: query.model,
      variant: query.variant ?? 'base',
      cursor: query.cursor,
      limit: query.limit,
      actions: query.filter?.map((f) => f.toUpperCase() as 'ADDED' | 'UPDATED' | 'DELETED'),
      modifiedAfter: query.modified_after ?? query.delta,
      ids: query.ids,
    });
    return c.body(body, 200, { 'content-type': 'application/json; charset=UTF-8' });
  })
  .patch('/prune', requireSecretKey, async (c) => {
    const body = await readJsonBody(c, pruneRecordsBodySchema);
    const row = await target(c, body.model);
    return c.json(
      await prune(c.env as unknown as RecordsEnv, row, {
        model: body.model,
        variant: body.variant ?? 'base',
        untilCursor: body.until_cursor,
        limit: body.limit,
      }),
    );
  });
