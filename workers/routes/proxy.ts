import { Hono } from 'hono';
import type { AppEnv } from '../app-env.js';
import { requireSecretKeyCached } from '../middleware/secret-key.js';
import { handleProxy } from '../proxy/proxy.js';

/** `ANY /proxy/*` for secret-key callers (see workers/proxy/proxy.ts). */
export const proxyRoutes = new Hono<AppEnv>({ strict: false }).use(requireSecretKeyCached).all('/*', (c) =>
  handleProxy(
    {
      env: c.env,
      config: c.get('config'),
      db: c.get('db'),
      environment: c.get('environment'),
      requestId: c.get('requestId'),
      waitUntil: (promise) => c.executionCtx.waitUntil(promise),
    },
    c.req.raw,
  ),
);
