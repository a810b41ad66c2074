/**
 * Consumer of the `pier-webhooks` queue. Delivery to customer endpoints (signing, retries,
 * circuit breaking) is built by the webhooks issue; until then every message is retried so that,
 * after `max_retries`, it rests in the dead-letter queue rather than being dropped.
 */
export async function consumeWebhookBatch(batch: MessageBatch<unknown>): Promise<void> {
  for (const message of batch.messages) {
    console.warn(
      JSON.stringify({
        level: 'warn',
        event: 'webhook_undeliverable',
        messageId: message.id,
        attempts: message.attempts,
      }),
    );
    message.retry({ delaySeconds: Math.min(60 * 2 ** (message.attempts - 1), 3600) });
  }
}
