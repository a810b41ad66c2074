import { Hono } from 'hono';
import { listLogsQuerySchema } from '../../sdk/contract/proxy.js';
import type { AppEnv } from '../app-env.js';
import { readQuery } from '../http/validate.js';
import { listLogs } from '../logs/service.js';
import { requireSecretKey } from '../middleware/secret-key.js';

/** `GET /logs`: the environment's operations, newest first, filtered, cursor-paginated. */
export const logRoutes = new Hono<AppEnv>({ strict: false })
  .use(requireSecretKey)
  .get('/', async (c) =>
    c.json(await listLogs(c.get('db'), c.get('environment').id, readQuery(c, listLogsQuerySchema))),
  );
