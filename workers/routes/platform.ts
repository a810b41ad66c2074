import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { buildOpenApiDocument } from '../../sdk/contract/openapi.js';
import type { AppEnv } from '../app-env.js';
import { PIER_VERSION } from '../version.js';

export const platformRoutes = new Hono<AppEnv>()
  // Ready means: config valid (checked by the platform middleware) and D1 answering.
  .get('/health', async (c) => {
    await c.get('db').run(sql`select 1`);
    return c.json({ status: 'ok' as const });
  })
  .get('/openapi.json', (c) =>
    c.json(buildOpenApiDocument({ serverUrl: new URL(c.req.url).origin, version: PIER_VERSION })),
  );
