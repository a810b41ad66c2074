import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env.js';
import { readConfig } from '../config.js';
import { openDb } from '../db/client.js';

/** Validated config and a query builder for every handler. */
export const platform = createMiddleware<AppEnv>(async (c, next) => {
  c.set('config', readConfig(c.env));
  c.set('db', openDb(c.env.DB));
  await next();
});
