import { Hono } from 'hono';
import { listWebhookDeliveriesQuerySchema, replayWebhookDeliveriesBodySchema } from '../../sdk/contract/webhooks.js';
import type { AppEnv } from '../app-env.js';
import { readJsonBody, readQuery } from '../http/validate.js';
import { requireSecretKey } from '../middleware/secret-key.js';
import { listDeliveries, replayDeliveries } from '../webhooks/history.js';
import { recordEvents } from '../webhooks/outbox.js';

/** `/webhooks`: the environment's outgoing webhook deliveries, and replay. */
export const webhookRoutes = new Hono<AppEnv>({ strict: false })
  .use(requireSecretKey)
  .get('/deliveries', async (c) =>
    c.json(await listDeliveries(c.get('db'), c.get('environment').id, readQuery(c, listWebhookDeliveriesQuerySchema))),
  )
  // A test event to the environment's destinations: to check a receiver (and its signature check).
  .post('/test', async (c) => {
    const environment = c.get('environment');
    const [recorded] = await recordEvents({ db: c.get('db'), env: c.env }, { environment }, [
      {
        type: 'test',
        trigger: 'test',
        body: {
          from: 'nango',
          type: 'test',
          environment: environment.name,
          message: 'A test event from Pier',
          sentAt: new Date().toISOString(),
        },
      },
    ]);
    return c.json({ data: { event_id: recorded?.uid ?? null, deliveries: recorded?.deliveryIds.length ?? 0 } });
  })
  .post('/deliveries/replay', async (c) => {
    const body = await readJsonBody(c, replayWebhookDeliveriesBodySchema);
    return c.json({
      data: await replayDeliveries({ db: c.get('db'), env: c.env }, c.get('environment').id, body),
    });
  });
