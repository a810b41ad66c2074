/**
 * The `pier-jobs` consumer: connection teardowns (connections/teardown.ts) and provider webhooks to
 * process (webhooks/incoming.ts). Each message names rows in D1, so a lost message loses no work.
 */
import { consumeJobBatch, type TeardownScope } from './connections/teardown.js';
import { type IncomingJob, processIncomingWebhook } from './webhooks/incoming-process.js';

export async function consumeJobs(
  scope: TeardownScope,
  batch: MessageBatch<unknown>,
  ctx: Pick<ExecutionContext, 'waitUntil'>,
): Promise<void> {
  const incoming = batch.messages.filter((m) => (m.body as Partial<IncomingJob> | null)?.type === 'incoming_webhook');
  const others = batch.messages.filter((m) => !incoming.includes(m));
  if (others.length > 0) await consumeJobBatch(scope, { ...batch, messages: others } as MessageBatch<unknown>);
  for (const message of incoming) {
    const id = (message.body as IncomingJob).id;
    try {
      await processIncomingWebhook(scope.env, id, (p) => ctx.waitUntil(p));
      message.ack();
    } catch (err) {
      console.error(JSON.stringify({ level: 'error', event: 'incoming_webhook_failed', id, error: String(err) }));
      message.retry({ delaySeconds: Math.min(10 * 2 ** (message.attempts - 1), 600) });
    }
  }
}
