import { z } from 'zod';
import { isoDateTime, uniqueKeySchema } from './common.js';
import { providerNameSchema } from './provider-definition.js';

const scopesList = z
  .string()
  .max(4000)
  .regex(/^[^,\s]+(,[^,\s]+)*$/, 'a comma-separated list of scopes without spaces');

/** Credentials of the app registered at the provider. Stored encrypted; returned only with `include=credentials`. */
export const integrationCredentialsSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.enum(['OAUTH1', 'OAUTH2', 'TBA']),
    client_id: z.string().min(1).max(255),
    client_secret: z.string().min(1).max(4096),
    scopes: scopesList.nullable().optional(),
    webhook_secret: z.string().max(255).nullable().optional(),
  }),
  z.object({
    type: z.literal('APP'),
    app_id: z.string().min(1).max(255),
    app_link: z.string().min(1).max(2048),
    private_key: z
      .string()
      .regex(/^-----BEGIN (RSA )?PRIVATE KEY-----[\s\S]+-----END (RSA )?PRIVATE KEY-----\s*$/, 'a PEM private key'),
    webhook_secret: z.string().max(255).nullable().optional(),
  }),
  z.object({
    type: z.literal('CUSTOM'),
    client_id: z.string().min(1).max(255),
    client_secret: z.string().min(1).max(4096),
    app_id: z.string().min(1).max(255),
    app_link: z.string().min(1).max(2048),
    private_key: z
      .string()
      .regex(/^-----BEGIN (RSA )?PRIVATE KEY-----[\s\S]+-----END (RSA )?PRIVATE KEY-----\s*$/, 'a PEM private key'),
    webhook_secret: z.string().max(255).nullable().optional(),
  }),
  /** Pier extension: only a webhook secret, for API-key and basic providers that sign their webhooks. */
  z.object({
    type: z.literal('WEBHOOK_ONLY'),
    webhook_secret: z.string().min(1).max(255),
  }),
]);
export type IntegrationCredentials = z.infer<typeof integrationCredentialsSchema>;

export const integrationConfigSchema = z.record(z.string().min(1).max(100), z.string().max(4096));

export const createIntegrationBodySchema = z.strictObject({
  unique_key: uniqueKeySchema,
  provider: providerNameSchema,
  display_name: z.string().min(1).max(255).optional(),
  forward_webhooks: z.boolean().optional(),
  credentials: integrationCredentialsSchema.optional(),
  integration_config: integrationConfigSchema.optional(),
});

export const updateIntegrationBodySchema = z.strictObject({
  unique_key: uniqueKeySchema.optional(),
  display_name: z.string().min(1).max(255).optional(),
  forward_webhooks: z.boolean().optional(),
  credentials: integrationCredentialsSchema.nullable().optional(),
  integration_config: integrationConfigSchema.optional(),
});

export const integrationPathSchema = z.object({ uniqueKey: uniqueKeySchema });

const includeValue = z.enum(['webhook', 'credentials']);
export const getIntegrationQuerySchema = z.object({
  include: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) =>
      v === undefined ? [] : (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).filter(Boolean),
    )
    .pipe(z.array(includeValue)),
});

export const integrationSchema = z.object({
  unique_key: z.string(),
  display_name: z.string(),
  provider: z.string(),
  logo: z.string().optional(),
  forward_webhooks: z.boolean(),
  created_at: isoDateTime,
  updated_at: isoDateTime,
});
export type Integration = z.infer<typeof integrationSchema>;

export const integrationFullSchema = integrationSchema.extend({
  integration_config: integrationConfigSchema.optional(),
  webhook_url: z.string().nullable().optional(),
  credentials: integrationCredentialsSchema.nullable().optional(),
});
export type IntegrationFull = z.infer<typeof integrationFullSchema>;

export const integrationResponseSchema = z.object({ data: integrationSchema });
export const integrationFullResponseSchema = z.object({ data: integrationFullSchema });
export const integrationListResponseSchema = z.object({ data: z.array(integrationSchema) });
