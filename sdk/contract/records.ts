import { z } from 'zod';

/** Records (`GET /records`, `PATCH /records/prune`) and sync control. */

export const RECORD_ACTIONS = ['added', 'updated', 'deleted'] as const;

const timestamp = z.iso.datetime({ offset: true });

export const listRecordsQuerySchema = z
  .strictObject({
    model: z.string().min(1).max(255),
    variant: z.string().min(1).max(255).optional(),
    cursor: z.string().min(1).max(200).optional(),
    limit: z.coerce.number().int().min(1).max(10_000).default(100),
    /** `added`, `updated`, `deleted`, or several joined by commas. */
    filter: z
      .string()
      .max(40)
      .transform((value, ctx) => {
        const parts = value.split(',').map((p) => p.trim().toLowerCase());
        for (const part of parts)
          if (!(RECORD_ACTIONS as readonly string[]).includes(part))
            ctx.addIssue({ code: 'custom', message: `"${part}" is not one of added, updated, deleted` });
        return parts as (typeof RECORD_ACTIONS)[number][];
      })
      .optional(),
    modified_after: timestamp.optional(),
    /** Deprecated name of `modified_after`. */
    delta: timestamp.optional(),
    ids: z
      .union([z.string().max(1024), z.array(z.string().max(1024)).max(100)])
      .transform((v) => (Array.isArray(v) ? v : [v]))
      .optional(),
  })
  .describe('Records are returned in the order of their last change; pass next_cursor back to continue');

export const recordMetadataSchema = z.object({
  first_seen_at: z.string(),
  last_modified_at: z.string(),
  last_action: z.enum(['ADDED', 'UPDATED', 'DELETED']),
  deleted_at: z.string().nullable(),
  pruned_at: z.string().nullable(),
  cursor: z.string(),
});

export const listRecordsResponseSchema = z.object({
  records: z.array(z.looseObject({ _nango_metadata: recordMetadataSchema })),
  next_cursor: z.string().nullable(),
});

export const pruneRecordsBodySchema = z.strictObject({
  model: z.string().min(1).max(255),
  variant: z.string().min(1).max(255).optional(),
  until_cursor: z.string().min(1).max(200),
  limit: z.number().int().min(1).max(10_000).default(1_000),
});

export const recordsHeadersSchema = z.object({
  'connection-id': z.string().min(1).max(255),
  'provider-config-key': z.string().min(1).max(255),
});

const syncRefSchema = z.union([
  z.string().min(1).max(255),
  z.object({ name: z.string().min(1).max(255), variant: z.string().min(1).max(255).optional() }),
]);

export const syncControlBodySchema = z.object({
  provider_config_key: z.string().min(1).max(255),
  connection_id: z.string().min(1).max(255).optional(),
  /** Sync names (`name` or `name::variant`) or `{ name, variant }`; empty means every sync of the integration. */
  syncs: z.array(syncRefSchema).max(100).default([]),
});

export const syncTriggerBodySchema = syncControlBodySchema.extend({
  /** Legacy: `incremental`, `full_refresh` (start over) or `full_refresh_and_clear_cache` (also empty the records). */
  sync_mode: z.enum(['incremental', 'full_refresh', 'full_refresh_and_clear_cache']).optional(),
  /** Deprecated boolean form of `sync_mode: "full_refresh"`. */
  full_resync: z.boolean().optional(),
  opts: z
    .object({
      /** Clear the checkpoint and last sync date: the run starts over. */
      reset: z.boolean().optional(),
      /** Also delete the sync's records first (needs `reset`). */
      emptyCache: z.boolean().optional(),
    })
    .optional(),
});

export const syncStatusQuerySchema = z.strictObject({
  provider_config_key: z.string().min(1).max(255),
  /** Comma-separated names (`name` or `name::variant`), or `*`. */
  syncs: z.string().min(1).max(4_000),
  connection_id: z.string().min(1).max(255).optional(),
});

export const syncFrequencyBodySchema = z.object({
  provider_config_key: z.string().min(1).max(255),
  connection_id: z.string().min(1).max(255),
  sync_name: z.string().min(1).max(255),
  sync_variant: z.string().min(1).max(255).optional(),
  /** `'every 30 minutes'`-style, or null to go back to the sync's own frequency. */
  frequency: z.string().min(1).max(100).nullable(),
});

export const syncVariantPathSchema = z.object({
  name: z.string().min(1).max(255),
  variant: z
    .string()
    .min(1)
    .max(255)
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, "_" and "-" only'),
});
