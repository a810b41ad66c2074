import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env.js';

/** Every response carries `X-Request-Id`; a caller's own id is kept when it looks safe. */
export const requestId = createMiddleware<AppEnv>(async (c, next) => {
  const incoming = c.req.header('x-request-id');
  const id = incoming && /^[A-Za-z0-9._-]{8,128}$/.test(incoming) ? incoming : crypto.randomUUID();
  c.set('requestId', id);
  c.header('X-Request-Id', id);
  await next();
});
