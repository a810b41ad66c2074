import { z } from 'zod';
import { isoDateTime } from './common.js';

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;

/** One event on its way to one destination (the delivery history). */
export const webhookDeliverySchema = z.object({
  id: z.number().int(),
  /** The event id receivers deduplicate by (`Pier-Webhook-Id`); a replay keeps it. */
  event_id: z.string(),
  type: z.string(),
  connection_id: z.string().nullable(),
  provider_config_key: z.string().nullable(),
  destination: z.enum(['primary', 'secondary', 'override']),
  url: z.string(),
  /** `failed`: retries exhausted (or the URL refused); replay sends it again. */
  status: z.enum(WEBHOOK_DELIVERY_STATUSES),
  attempts: z.number().int(),
  next_attempt_at: isoDateTime.nullable(),
  last_status: z.number().int().nullable(),
  last_error: z.string().nullable(),
  last_duration_ms: z.number().int().nullable(),
  last_attempt_at: isoDateTime.nullable(),
  delivered_at: isoDateTime.nullable(),
  created_at: isoDateTime,
});
export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;

export const listWebhookDeliveriesQuerySchema = z.strictObject({
  status: z.enum(WEBHOOK_DELIVERY_STATUSES).optional(),
  connection_id: z.string().min(1).max(255).optional(),
  event_id: z.string().min(1).max(64).optional(),
  type: z.string().min(1).max(32).optional(),
  from: isoDateTime.optional(),
  to: isoDateTime.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  /** The `next_cursor` of the previous page. */
  cursor: z
    .string()
    .regex(/^\d{1,15}$/, 'a cursor from a previous page')
    .optional(),
});

export const listWebhookDeliveriesResponseSchema = z.object({
  data: z.array(webhookDeliverySchema),
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  next_cursor: z.string().nullable(),
});

/**
 * Which deliveries to send again: the listed ids (any status), or every failed delivery created in
 * [`from`, `to`] (both optional). They go out with their original event id.
 */
export const replayWebhookDeliveriesBodySchema = z
  .strictObject({
    ids: z.array(z.number().int().min(1)).min(1).max(1000).optional(),
    from: isoDateTime.optional(),
    to: isoDateTime.optional(),
  })
  .refine((body) => !(body.ids && (body.from || body.to)), {
    message: 'Give either ids or a time range, not both',
  });

export const replayWebhookDeliveriesResponseSchema = z.object({ data: z.object({ replayed: z.number().int() }) });

/** `POST /webhooks/test`: the test event recorded, and how many deliveries it got (0 with no URL set). */
export const sendTestWebhookResponseSchema = z.object({
  data: z.object({ event_id: z.string().nullable(), deliveries: z.number().int() }),
});
