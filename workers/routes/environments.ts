import { type Context, Hono } from 'hono';
import {
  apiKeyRefBodySchema,
  createApiKeyBodySchema,
  createEnvironmentBodySchema,
  environmentIdPathSchema,
  listApiKeysQuerySchema,
  updateEnvironmentBodySchema,
} from '../../sdk/contract/environments.js';
import type { AppEnv } from '../app-env.js';
import { deleteEnvironmentAndConnections } from '../connections/teardown.js';
import {
  createApiKey,
  createEnvironment,
  deleteApiKey,
  deleteEnvironment,
  formatEnvironment,
  listApiKeys,
  listEnvironments,
  rotateApiKey,
  rotateWebhookSigningKey,
  updateEnvironment,
} from '../environments/service.js';
import { readJsonBody, readParams, readQuery } from '../http/validate.js';
import { requireAccountScope, requireSecretKey } from '../middleware/secret-key.js';

const originOf = (c: Context<AppEnv>) => new URL(c.req.url).origin;
const callerOf = (c: Context<AppEnv>) => ({ environmentId: c.get('environment').id, scopes: c.get('apiKey').scopes });

/** `/environments`: account-level management of environments. */
export const environmentsRoutes = new Hono<AppEnv>({ strict: false })
  .use(requireSecretKey, requireAccountScope)
  .get('/', async (c) => c.json({ data: await listEnvironments(c.get('db'), originOf(c)) }))
  .post('/', async (c) => {
    const body = await readJsonBody(c, createEnvironmentBodySchema);
    return c.json({ data: await createEnvironment(c.get('db'), c.get('config'), body) });
  })
  .delete('/:environmentId', async (c) => {
    const { environmentId } = readParams(c, environmentIdPathSchema);
    const callerEnvironmentId = c.get('environment').id;
    await deleteEnvironment(c.get('db'), environmentId, callerEnvironmentId, (row) =>
      deleteEnvironmentAndConnections(
        { db: c.get('db'), config: c.get('config'), env: c.env },
        row,
        callerEnvironmentId,
      ),
    );
    return c.body(null, 204);
  });

/** `/environment`: the calling key's own environment, and API keys. */
export const environmentRoutes = new Hono<AppEnv>({ strict: false })
  .use(requireSecretKey)
  .get('/', (c) => c.json({ data: formatEnvironment(c.get('environment'), originOf(c)) }))
  .patch('/', async (c) => {
    const body = await readJsonBody(c, updateEnvironmentBodySchema);
    return c.json({ data: await updateEnvironment(c.get('db'), c.get('environment'), body, originOf(c)) });
  })
  .post('/webhook-signing-key/rotate', async (c) =>
    c.json({ data: await rotateWebhookSigningKey(c.get('db'), c.get('config'), c.get('environment')) }),
  )
  .get('/api-keys', async (c) => {
    const { environment_id } = readQuery(c, listApiKeysQuerySchema);
    return c.json({ data: await listApiKeys(c.get('db'), callerOf(c), environment_id) });
  })
  .post('/api-keys', async (c) => {
    const body = await readJsonBody(c, createApiKeyBodySchema);
    return c.json({ data: await createApiKey(c.get('db'), callerOf(c), body) });
  })
  .post('/api-keys/rotate', async (c) => {
    const { environment_id, key_id } = await readJsonBody(c, apiKeyRefBodySchema);
    return c.json({ data: await rotateApiKey(c.get('db'), callerOf(c), environment_id, key_id) });
  })
  .delete('/api-keys', async (c) => {
    const { environment_id, key_id } = await readJsonBody(c, apiKeyRefBodySchema);
    await deleteApiKey(c.get('db'), callerOf(c), environment_id, key_id);
    return c.json({ success: true });
  });
