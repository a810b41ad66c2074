import { type Context, Hono } from 'hono';
import {
  connectionPathSchema,
  connectionRefQuerySchema,
  getConnectionQuerySchema,
  importConnectionBodySchema,
  listConnectionsQuerySchema,
  metadataBodySchema,
  patchConnectionBodySchema,
} from '../../sdk/contract/connections.js';
import type { AppEnv } from '../app-env.js';
import {
  deleteConnection,
  getConnection,
  importConnection,
  listConnections,
  patchConnection,
  setMetadata,
} from '../connections/service.js';
import { readJsonBody, readParams, readQuery } from '../http/validate.js';
import { requireSecretKey } from '../middleware/secret-key.js';

const scopeOf = (c: Context<AppEnv>) => ({
  db: c.get('db'),
  config: c.get('config'),
  env: c.env,
  environment: c.get('environment'),
  waitUntil: (promise: Promise<unknown>) => c.executionCtx.waitUntil(promise),
});

/** `tags[key]=value` query parameters (deepObject style). */
function tagQuery(c: Context<AppEnv>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of new URL(c.req.url).searchParams) {
    const match = /^tags\[([^\]]+)\]$/.exec(key);
    if (match?.[1]) out[match[1].toLowerCase()] = value;
  }
  return out;
}

/** `POST` replaces and `PATCH` merges the metadata of one or more connections; both echo the body. */
async function writeMetadata(c: Context<AppEnv>, merge: boolean): Promise<Response> {
  const body = await readJsonBody(c, metadataBodySchema);
  const ids = Array.isArray(body.connection_id) ? body.connection_id : [body.connection_id];
  await setMetadata(scopeOf(c), {
    connectionIds: ids,
    integrationKey: body.provider_config_key,
    metadata: body.metadata,
    merge,
  });
  return c.json(body, merge ? 200 : 201);
}

export const connectionRoutes = new Hono<AppEnv>({ strict: false })
  .use(requireSecretKey)
  .get('/', async (c) => {
    const query = readQuery(c, listConnectionsQuerySchema);
    return c.json({ connections: await listConnections(scopeOf(c), query, tagQuery(c)) });
  })
  .post('/', async (c) => {
    const body = await readJsonBody(c, importConnectionBodySchema);
    return c.json(await importConnection(scopeOf(c), body), 200);
  })
  .post('/metadata', (c) => writeMetadata(c, false))
  .patch('/metadata', (c) => writeMetadata(c, true))
  .get('/:connectionId', async (c) => {
    const { connectionId } = readParams(c, connectionPathSchema);
    const query = readQuery(c, getConnectionQuerySchema);
    // `refresh_token=true` asks for the refresh token in the response; it does not refresh anything.
    return c.json(
      await getConnection(scopeOf(c), connectionId, query.provider_config_key, {
        forceRefresh: Boolean(query.force_refresh || query.refresh_github_app_jwt_token),
        includeRefreshToken: Boolean(query.refresh_token),
      }),
    );
  })
  .patch('/:connectionId', async (c) => {
    const { connectionId } = readParams(c, connectionPathSchema);
    const { provider_config_key } = readQuery(c, connectionRefQuerySchema);
    const body = await readJsonBody(c, patchConnectionBodySchema);
    await patchConnection(scopeOf(c), connectionId, provider_config_key, body);
    return c.json({ success: true });
  })
  .delete('/:connectionId', async (c) => {
    const { connectionId } = readParams(c, connectionPathSchema);
    const { provider_config_key } = readQuery(c, connectionRefQuerySchema);
    await deleteConnection(scopeOf(c), connectionId, provider_config_key);
    return c.json({ success: true });
  });
