import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env.js';

/** Bodies up to this size are read to the end when a route left them unread (larger ones are not). */
const DRAIN_LIMIT_BYTES = 1024 * 1024;

/**
 * Reads what a route left of the request body (a route that ignores it, a refusal before it was
 * read). The local runtime cannot reuse a keep-alive connection whose request body is unread: it
 * closes it, and the client's next request on it fails with a reset.
 */
export const drainUnreadBody = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  const request = c.req.raw;
  if (!request.body || request.bodyUsed) return;
  const length = Number(request.headers.get('content-length') ?? Number.NaN);
  if (!(length <= DRAIN_LIMIT_BYTES)) return;
  await request.arrayBuffer().catch(() => undefined);
});
