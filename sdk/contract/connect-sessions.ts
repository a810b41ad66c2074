import { z } from 'zod';
import { uniqueKeySchema } from './common.js';
import { endUserSchema, tagsSchema } from './connections.js';

const integrationDefaults = z.record(
  uniqueKeySchema,
  z.strictObject({
    user_scopes: z.string().max(2000).optional(),
    authorization_params: z.record(z.string(), z.string()).optional(),
    connection_config: z
      .object({
        oauth_scopes_override: z.string().max(2000).optional(),
        oauth_client_id_override: z.string().max(255).optional(),
        oauth_client_secret_override: z.string().max(4096).optional(),
      })
      .catchall(z.union([z.string(), z.number(), z.boolean()]))
      .optional(),
  }),
);

export const connectThemeSchema = z.strictObject({
  primary_color: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'a colour as #rrggbb')
    .optional(),
  color_scheme: z.enum(['light', 'dark', 'system']).optional(),
});

const sessionFields = {
  tags: tagsSchema.optional(),
  /** @deprecated use tags */
  end_user: endUserSchema.optional(),
  /** @deprecated use tags */
  organization: z.object({ id: z.string().min(1).max(255), display_name: z.string().max(255).optional() }).optional(),
  integrations_config_defaults: integrationDefaults.optional(),
  overrides: z
    .record(uniqueKeySchema, z.strictObject({ docs_connect: z.url({ protocol: /^https?$/ }).optional() }))
    .optional(),
  webhook_url_override: z.url({ protocol: /^https?$/ }).optional(),
  /** Pier's extension: the Connect UI's look for this session (the app's brand colour, light/dark/system). */
  theme: connectThemeSchema.optional(),
};

export const createConnectSessionBodySchema = z.object({
  ...sessionFields,
  allowed_integrations: z.array(uniqueKeySchema).max(200).optional(),
});

export const reconnectSessionBodySchema = z.object({
  ...sessionFields,
  connection_id: z.string().min(1).max(255),
  integration_id: uniqueKeySchema,
});

export type ConnectSessionSettings = z.output<typeof createConnectSessionBodySchema>;

export const connectSessionResponseSchema = z.object({
  data: z.object({ token: z.string(), connect_link: z.string(), expires_at: z.string() }),
});

/** What `GET /connect/session` tells the Connect UI. */
export const connectSessionInfoSchema = z.object({
  data: z.object({
    token: z.string(),
    connect_link: z.string(),
    allowed_integrations: z.array(z.string()).optional(),
    integrations_config_defaults: z.record(z.string(), z.unknown()).optional(),
    end_user: endUserSchema.nullable().optional(),
    tags: z.record(z.string(), z.string()).optional(),
    is_reconnect: z.boolean(),
    expires_at: z.string(),
    theme: connectThemeSchema.optional(),
    integrations: z.array(
      z.object({
        unique_key: z.string(),
        display_name: z.string(),
        provider: z.string(),
        auth_mode: z.string(),
        docs_connect: z.string().optional(),
        /** The provider's mark (simple-icons, CC0): an SVG path on a 24×24 view box and the brand colour. */
        logo: z.object({ path: z.string(), hex: z.string() }).optional(),
        fields: z.array(
          z.object({
            name: z.string(),
            in: z.enum(['credentials', 'connection_config']),
            title: z.string(),
            description: z.string().optional(),
            pattern: z.string().optional(),
            prefix: z.string().optional(),
            suffix: z.string().optional(),
            /** A sample value, shown as the field's placeholder. */
            example: z.string().optional(),
            optional: z.boolean(),
            secret: z.boolean(),
            enum: z.array(z.string()).optional(),
            /** A label per `enum` value, when the catalog has one. */
            enum_labels: z.record(z.string(), z.string()).optional(),
            default_value: z.string().optional(),
          }),
        ),
      }),
    ),
  }),
});
export type ConnectSessionInfo = z.infer<typeof connectSessionInfoSchema>['data'];
