import { createApp } from './app.js';
import { readConfig } from './config.js';
import { openDb } from './db/client.js';
import { consumeJobs } from './jobs.js';
import { runScheduled } from './scheduled.js';
import { consumeWebhookBatch } from './webhooks/deliver.js';

export { ConnectAttemptObject } from '../durable-objects/connect-attempt-object.js';
export { ConnectionObject } from '../durable-objects/connection-object.js';
export { LoaderDispatcher } from './dispatch/loader-dispatcher.js';

const app = createApp();

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
  queue: (batch, env, ctx) =>
    batch.queue.startsWith('pier-jobs')
      ? consumeJobs({ db: openDb(env.DB), config: readConfig(env), env }, batch, ctx)
      : consumeWebhookBatch(batch, env),
  scheduled: (controller, env, ctx) => ctx.waitUntil(runScheduled(env, controller.cron)),
} satisfies ExportedHandler<Env>;
export { ScriptHost, ScriptOutbound } from './functions/host.js';
