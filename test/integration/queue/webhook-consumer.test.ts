import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../../../workers/index.js';

describe('webhooks queue consumer', () => {
  it('retries messages it cannot deliver yet, so they end in the dead-letter queue, not dropped', async () => {
    const batch = createMessageBatch('pier-webhooks', [
      { id: 'm1', timestamp: new Date(), attempts: 1, body: { type: 'auth' } },
      { id: 'm2', timestamp: new Date(), attempts: 3, body: { type: 'sync' } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages.map((m: { msgId: string }) => m.msgId).sort()).toEqual(['m1', 'm2']);
  });
});
