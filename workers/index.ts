import { createApp } from './app.js';
import { readConfig } from './config.js';
import { consumeJobBatch } from './connections/teardown.js';
import { openDb } from './db/client.js';
import { consumeWebhookBatch } from './queue/webhook-consumer.js';
import { runScheduled } from './scheduled.js';

export { ConnectAttemptObject } from '../durable-objects/connect-attempt-object.js';
export { ConnectionObject } from '../durable-objects/connection-object.js';
export { LoaderDispatcher } from './dispatch/loader-dispatcher.js';

const app = createApp();

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
  queue: (batch, env, _ctx) =>
    batch.queue.startsWith('pier-jobs')
      ? consumeJobBatch({ db: openDb(env.DB), config: readConfig(env), env }, batch)
      : consumeWebhookBatch(batch),
  scheduled: (_controller, env, ctx) => ctx.waitUntil(runScheduled(env)),
} satisfies ExportedHandler<Env>;
export { ScriptHost, ScriptOutbound } from './functions/host.js';
