import { Hono } from 'hono';
import { z } from 'zod';
import { listProvidersQuerySchema, providerPathSchema } from '../../sdk/contract/providers.js';
import type { AppEnv } from '../app-env.js';
import { readJsonBody, readParams, readQuery } from '../http/validate.js';
import { requireSecretKey } from '../middleware/secret-key.js';
import { createProvider, deleteProvider, getProvider, listProviders, replaceProvider } from '../providers/service.js';

const anyJson = z.unknown();

export const providerRoutes = new Hono<AppEnv>({ strict: false })
  .use(requireSecretKey)
  .get('/', async (c) => {
    const { search } = readQuery(c, listProvidersQuerySchema);
    return c.json({ data: await listProviders(c.get('db'), c.get('environment').id, search) });
  })
  .get('/:provider', async (c) => {
    const { provider } = readParams(c, providerPathSchema);
    return c.json({ data: await getProvider(c.get('db'), c.get('environment').id, provider) });
  })
  .post('/', async (c) => {
    const body = await readJsonBody(c, anyJson);
    return c.json({ data: await createProvider(c.get('db'), c.get('environment').id, body) }, 201);
  })
  .put('/:provider', async (c) => {
    const { provider } = readParams(c, providerPathSchema);
    const body = await readJsonBody(c, anyJson);
    return c.json({ data: await replaceProvider(c.get('db'), c.get('environment').id, provider, body) });
  })
  .delete('/:provider', async (c) => {
    const { provider } = readParams(c, providerPathSchema);
    await deleteProvider(c.get('db'), c.get('environment').id, provider);
    return c.json({ success: true });
  });
