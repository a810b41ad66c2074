import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { AppEnv } from './app-env.js';
import { drainUnreadBody } from './middleware/drain-body.js';
import { handleError, handleNotFound } from './middleware/error-handler.js';
import { platform } from './middleware/platform.js';
import { requestId } from './middleware/request-id.js';
import { authRoutes, credentialAuthRoutes } from './routes/auth.js';
import { connectRoutes, serveConnectUi } from './routes/connect.js';
import { connectionRoutes } from './routes/connections.js';
import { demoRoutes } from './routes/demo.js';
import { environmentRoutes, environmentsRoutes } from './routes/environments.js';
import { actionRoutes, functionRoutes, scriptsConfigRoutes } from './routes/functions.js';
import { integrationRoutes } from './routes/integrations.js';
import { logRoutes } from './routes/logs.js';
import { platformRoutes } from './routes/platform.js';
import { providerRoutes } from './routes/providers.js';
import { proxyRoutes } from './routes/proxy.js';
import { recordRoutes } from './routes/records.js';
import { syncRoutes } from './routes/syncs.js';
import { webhookRoutes } from './routes/webhooks.js';
import { receiveWebhook } from './webhooks/incoming.js';

/** The API Worker's routes: one sub-app per resource, errors mapped once at the edge. */
export function createApp(): Hono<AppEnv> {
  return (
    new Hono<AppEnv>({ strict: false })
      // Framing is governed by each HTML page's CSP frame-ancestors (the Connect UI is embeddable).
      .use(
        requestId,
        drainUnreadBody,
        secureHeaders({ crossOriginResourcePolicy: false, xFrameOptions: false }),
        platform,
      )
      .route('/', platformRoutes)
      .route('/providers', providerRoutes)
      .route('/integrations', integrationRoutes)
      .route('/functions', functionRoutes)
      .route('/scripts', scriptsConfigRoutes)
      .route('/action', actionRoutes)
      .route('/environments', environmentsRoutes)
      .route('/environment', environmentRoutes)
      .get('/connect/', serveConnectUi)
      .route('/connect', connectRoutes)
      .route('/connections', connectionRoutes)
      .route('/proxy', proxyRoutes)
      .route('/logs', logRoutes)
      .route('/records', recordRoutes)
      .route('/sync', syncRoutes)
      .route('/webhooks', webhookRoutes)
      // Provider webhooks: no API key, the provider's signature instead.
      .post('/webhook/:environmentUuid/:integration', receiveWebhook)
      .route('/demo', demoRoutes)
      .route('/', authRoutes)
      .route('/', credentialAuthRoutes)
      .notFound(handleNotFound)
      .onError(handleError)
  );
}
