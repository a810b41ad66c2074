import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { buildOpenApiDocument } from '../../sdk/contract/openapi.js';
import type { AppEnv } from '../app-env.js';
import { isAttemptId } from '../connect/attempt.js';
import { FRONTEND_SDK_JS } from '../connect-ui/generated/bundles.js';
import { ApiError } from '../http/api-error.js';
import { flushOperations } from '../logs/service.js';
import { PIER_VERSION } from '../version.js';

const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#4f46e5"/><path d="M10 24V8h7a5 5 0 0 1 0 10h-7" fill="none" stroke="#fff" stroke-width="3" stroke-linecap="round" stroke-linejoin="round"/></svg>';

export const platformRoutes = new Hono<AppEnv>({ strict: false })
  // The frontend SDK opens its WebSocket at the root; each connect attempt gets its own object.
  .get('/', async (c) => {
    if (c.req.header('upgrade')?.toLowerCase() !== 'websocket')
      return c.json({ name: 'pier', version: PIER_VERSION, docs: '/openapi.json' });
    const resume = c.req.query('ws_client_id');
    let id: DurableObjectId | undefined;
    try {
      id = isAttemptId(resume) ? c.env.CONNECT_ATTEMPT.idFromString(resume) : undefined;
    } catch {
      id = undefined; // not an id of this namespace: start a fresh attempt
    }
    const upgraded = await c.env.CONNECT_ATTEMPT.get(id ?? c.env.CONNECT_ATTEMPT.newUniqueId()).fetch(c.req.raw);
    // A fresh response: middleware adds headers, and the object's response is immutable.
    return new Response(null, {
      status: upgraded.status,
      webSocket: upgraded.webSocket,
      headers: new Headers(upgraded.headers),
    });
  })
  // Browsers ask for it on every Pier page; an SVG mark rather than a 404 in every console.
  .get('/favicon.ico', (c) => {
    c.header('Content-Type', 'image/svg+xml');
    c.header('Cache-Control', 'public, max-age=86400');
    return c.body(FAVICON_SVG);
  })
  // Local platforms only: `npm start` calls this before it stops, so no log line waiting for its batch is lost.
  .post('/__pier/flush', async (c) => {
    if (c.get('config').mode !== 'development') throw new ApiError('not_found', 404, 'No route for POST /__pier/flush');
    return c.json(await flushOperations(c.get('db')));
  })
  // Ready means: config valid (checked by the platform middleware) and D1 answering.
  .get('/health', async (c) => {
    await c.get('db').run(sql`select 1`);
    return c.json({ status: 'ok' as const });
  })
  // The frontend SDK as an ES module, for apps that load it straight from their Pier host.
  .get('/sdk/frontend.js', (c) => {
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    c.header('Access-Control-Allow-Origin', '*');
    c.header('Cross-Origin-Resource-Policy', 'cross-origin');
    c.header('Cache-Control', 'public, max-age=300');
    return c.body(FRONTEND_SDK_JS);
  })
  .get('/openapi.json', (c) =>
    c.json(buildOpenApiDocument({ serverUrl: new URL(c.req.url).origin, version: PIER_VERSION })),
  );
