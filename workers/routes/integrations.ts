import { type Context, Hono } from 'hono';
import {
  createIntegrationBodySchema,
  getIntegrationQuerySchema,
  integrationPathSchema,
  updateIntegrationBodySchema,
} from '../../sdk/contract/integrations.js';
import type { AppEnv } from '../app-env.js';
import { deleteIntegrationAndConnections } from '../connections/teardown.js';
import { readJsonBody, readParams, readQuery } from '../http/validate.js';
import {
  createIntegration,
  deleteIntegration,
  getIntegration,
  listIntegrations,
  updateIntegration,
} from '../integrations/service.js';
import { requireSecretKey } from '../middleware/secret-key.js';
import { integrationFunctionRoutes } from './functions.js';

const scopeOf = (c: Context<AppEnv>) => ({
  db: c.get('db'),
  config: c.get('config'),
  environment: c.get('environment'),
});

export const integrationRoutes = new Hono<AppEnv>({ strict: false })
  .use(requireSecretKey)
  .route('/', integrationFunctionRoutes)
  .get('/', async (c) => c.json({ data: await listIntegrations(scopeOf(c)) }))
  .post('/', async (c) => {
    const body = await readJsonBody(c, createIntegrationBodySchema);
    return c.json({ data: await createIntegration(scopeOf(c), body) });
  })
  .get('/:uniqueKey', async (c) => {
    const { uniqueKey } = readParams(c, integrationPathSchema);
    const { include } = readQuery(c, getIntegrationQuerySchema);
    const origin = new URL(c.req.url).origin;
    return c.json({ data: await getIntegration(scopeOf(c), uniqueKey, { include, origin }) });
  })
  .patch('/:uniqueKey', async (c) => {
    const { uniqueKey } = readParams(c, integrationPathSchema);
    const body = await readJsonBody(c, updateIntegrationBodySchema);
    return c.json({ data: await updateIntegration(scopeOf(c), uniqueKey, body) });
  })
  .delete('/:uniqueKey', async (c) => {
    const { uniqueKey } = readParams(c, integrationPathSchema);
    await deleteIntegration(scopeOf(c), uniqueKey, (row) =>
      deleteIntegrationAndConnections(
        { db: c.get('db'), config: c.get('config'), env: c.env },
        c.get('environment'),
        row,
      ),
    );
    return c.json({ success: true });
  });
