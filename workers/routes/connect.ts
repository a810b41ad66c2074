import { type Context, Hono } from 'hono';
import { createConnectSessionBodySchema, reconnectSessionBodySchema } from '../../sdk/contract/connect-sessions.js';
import type { AppEnv } from '../app-env.js';
import { newNonce, pageCsp } from '../connect/pages.js';
import {
  createConnectSession,
  createReconnectSession,
  deleteConnectSession,
  describeConnectSession,
  findConnectSession,
} from '../connect/sessions.js';
import { connectUiPage } from '../connect-ui/page.js';
import { readJsonBody } from '../http/validate.js';
import { browserCors } from '../middleware/cors.js';
import { requireSecretKey } from '../middleware/secret-key.js';
import { sessionToken } from './auth.js';

const origin = (c: Context<AppEnv>) => new URL(c.req.url).origin;

export function serveConnectUi(c: Context<AppEnv>): Response {
  const nonce = newNonce();
  c.header('Content-Security-Policy', pageCsp(nonce, '*'));
  c.header('Cache-Control', 'no-store');
  c.header('Referrer-Policy', 'no-referrer');
  return c.html(connectUiPage(nonce));
}

export const connectRoutes = new Hono<AppEnv>({ strict: false })
  .post('/sessions', requireSecretKey, async (c) => {
    const body = await readJsonBody(c, createConnectSessionBodySchema);
    return c.json(
      { data: await createConnectSession(c.get('db'), c.get('config'), c.get('environment'), body, origin(c)) },
      201,
    );
  })
  .post('/sessions/reconnect', requireSecretKey, async (c) => {
    const body = await readJsonBody(c, reconnectSessionBodySchema);
    return c.json(
      { data: await createReconnectSession(c.get('db'), c.get('config'), c.get('environment'), body, origin(c)) },
      201,
    );
  })
  .use('/session', browserCors)
  .get('/session', async (c) => {
    const token = sessionToken(c);
    const session = await findConnectSession(c.get('db'), c.get('config'), token);
    return c.json({
      data: await describeConnectSession(c.get('db'), session, { token: token ?? '', origin: origin(c) }),
    });
  })
  .delete('/session', async (c) => {
    const session = await findConnectSession(c.get('db'), c.get('config'), sessionToken(c));
    await deleteConnectSession(c.get('db'), session);
    return c.body(null, 204);
  })
  // The Connect UI: opened by link (`connect_link`) or embedded in an iframe by the frontend SDK.
  .get('/', serveConnectUi);
