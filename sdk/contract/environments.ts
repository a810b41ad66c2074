import { z } from 'zod';
import { isoDateTime } from './common.js';

export const environmentNameSchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[a-z0-9_-]+$/, 'lowercase letters, digits, "-" and "_" only');

export const API_KEY_SCOPES = ['environment:*', 'account:*'] as const;
export const apiKeyScopeSchema = z.enum(API_KEY_SCOPES);
export type ApiKeyScope = z.infer<typeof apiKeyScopeSchema>;

const httpsOrLocalUrl = z.url({ protocol: /^https?$/ }).max(2048);

export const webhookSettingsSchema = z.object({
  primary_url: httpsOrLocalUrl.nullable().optional(),
  secondary_url: httpsOrLocalUrl.nullable().optional(),
  on_sync_completion_always: z.boolean().optional(),
  on_auth_creation: z.boolean().optional(),
  on_auth_refresh_error: z.boolean().optional(),
  on_sync_error: z.boolean().optional(),
  on_async_action_completion: z.boolean().optional(),
});
export type WebhookSettings = z.infer<typeof webhookSettingsSchema>;

export const createEnvironmentBodySchema = z.strictObject({
  name: environmentNameSchema,
  is_production: z.boolean().optional(),
  callback_url: httpsOrLocalUrl.optional(),
});

export const environmentIdPathSchema = z.object({ environmentId: z.coerce.number().int().min(1) });

export const environmentSummarySchema = z.object({ id: z.number().int(), name: z.string() });

export const environmentSchema = z.object({
  id: z.number().int(),
  uuid: z.string(),
  name: z.string(),
  is_production: z.boolean(),
  callback_url: z.string().nullable(),
  webhook_settings: webhookSettingsSchema,
  created_at: isoDateTime,
  updated_at: isoDateTime,
});
export type Environment = z.infer<typeof environmentSchema>;

export const updateEnvironmentBodySchema = z.strictObject({
  callback_url: httpsOrLocalUrl.nullable().optional(),
  webhook_settings: webhookSettingsSchema.optional(),
});

export const createApiKeyBodySchema = z.strictObject({
  environment_id: z.number().int().min(1),
  display_name: z.string().min(1).max(255),
  /** Pier extension: scopes for the new key; `account:*` may only be granted by an account-scoped key. */
  scopes: z.array(apiKeyScopeSchema).min(1).optional(),
});

export const apiKeyRefBodySchema = z.strictObject({
  environment_id: z.number().int().min(1),
  key_id: z.number().int().min(1),
});

export const listApiKeysQuerySchema = z.object({ environment_id: z.coerce.number().int().min(1).optional() });

export const apiKeySchema = z.object({
  id: z.number().int(),
  display_name: z.string(),
  scopes: z.array(z.string()),
  /** The first characters of the secret, to tell keys apart. */
  prefix: z.string(),
  created_at: isoDateTime,
  last_used_at: isoDateTime.nullable(),
});

export const apiKeyWithSecretSchema = z.object({
  id: z.number().int(),
  display_name: z.string(),
  scopes: z.array(z.string()),
  secret: z.string(),
  created_at: isoDateTime,
});

export const webhookSigningKeySchema = z.object({ webhook_signing_key: z.string() });
