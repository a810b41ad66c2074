import { type Context, Hono } from 'hono';
import { listRecordsQuerySchema, pruneRecordsBodySchema, recordsHeadersSchema } from '../../sdk/contract/records.js';
import type { AppEnv } from '../app-env.js';
import { resolveIntegration } from '../connections/service.js';
import { findConnectionRow } from '../connections/store.js';
import { ApiError } from '../http/api-error.js';
import { check, readJsonBody, readQuery } from '../http/validate.js';
import { requireSecretKey } from '../middleware/secret-key.js';
import { knownModels, listRecords, prune } from '../records/service.js';
import type { RecordsEnv } from '../records/shards.js';

/** The connection the `Connection-Id` / `Provider-Config-Key` headers name, and a check of the model. */
async function target(c: Context<AppEnv>, model: string) {
  const headers = check(recordsHeadersSchema, Object.fromEntries(c.req.raw.headers), 'invalid_headers', 'header');
  const scope = { db: c.get('db'), config: c.get('config'), env: c.env, environment: c.get('environment') };
  const { integration } = await resolveIntegration(scope, headers['provider-config-key']);
  const row = await findConnectionRow(scope.db, scope.environment.id, integration.id, headers['connection-id']);
  if (!row)
    throw new ApiError(
      'unknown_connection',
      404,
      `No connection "${headers['connection-id']}" for integration "${integration.uniqueKey}"`,
    );
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
  .use(requireSecretKey)
  .get('/', async (c) => {
    const query = readQuery(c, listRecordsQuerySchema);
    const row = await target(c, query.model);
    return c.json(
      await listRecords(c.env as unknown as RecordsEnv, row, {
        model: query.model,
        variant: query.variant ?? 'base',
        cursor: query.cursor,
        limit: query.limit,
        actions: query.filter?.map((f) => f.toUpperCase() as 'ADDED' | 'UPDATED' | 'DELETED'),
        modifiedAfter: query.modified_after ?? query.delta,
        ids: query.ids,
      }),
    );
  })
  .patch('/prune', async (c) => {
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
