import { createApp } from './app.js';
import { consumeWebhookBatch } from './queue/webhook-consumer.js';
import { runScheduled } from './scheduled.js';

export { ConnectAttemptObject } from '../durable-objects/connect-attempt-object.js';
export { ConnectionObject } from '../durable-objects/connection-object.js';
export { LoaderDispatcher } from './dispatch/loader-dispatcher.js';

const app = createApp();

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
  queue: (batch, _env, _ctx) => consumeWebhookBatch(batch),
  scheduled: (_controller, env, ctx) => ctx.waitUntil(runScheduled(env)),
} satisfies ExportedHandler<Env>;
