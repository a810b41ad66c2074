import { z } from 'zod';
import { uniqueKeySchema } from './common.js';

/** Tags on a connection: at most 10, keys lowercased, values up to 255 characters. */
export const tagsSchema = z
  .record(z.string().min(1).max(64), z.string().max(255))
  .refine((t) => Object.keys(t).length <= 10, 'at most 10 tags')
  .transform((t) => Object.fromEntries(Object.entries(t).map(([k, v]) => [k.toLowerCase(), v])));

export const endUserSchema = z.object({
  id: z.string().min(1).max(255),
  email: z.string().max(255).optional(),
  display_name: z.string().max(255).optional(),
  tags: z.record(z.string(), z.string().max(64)).optional(),
  organization: z.object({ id: z.string().min(1).max(255), display_name: z.string().max(255).optional() }).optional(),
});

/** What a connection id may hold; one rule for every route that takes one (including the proxy's header). */
export const CONNECTION_ID_PATTERN = /^[A-Za-z0-9._~@:+-]+$/;
export const CONNECTION_ID_CHARACTERS = 'letters, digits and . _ ~ @ : + -';

export const connectionIdSchema = z
  .string()
  .min(1)
  .max(255)
  .regex(CONNECTION_ID_PATTERN, `${CONNECTION_ID_CHARACTERS} only`);

/** Credentials accepted by `POST /connections` (importing a connection made elsewhere). */
export const importCredentialsSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('OAUTH2'),
    access_token: z.string().min(1),
    refresh_token: z.string().min(1).optional(),
    expires_at: z.iso.datetime({ offset: true }).optional(),
    raw: z.record(z.string(), z.unknown()).optional(),
    /** This connection's own OAuth client: refreshes and revocation use it instead of the integration's. */
    config_override: z
      .object({ client_id: z.string().min(1).max(255), client_secret: z.string().min(1).max(4096) })
      .optional(),
  }),
  z.object({
    type: z.literal('OAUTH2_CC'),
    token: z.string().min(1).optional(),
    client_id: z.string().min(1),
    client_secret: z.string().min(1),
    expires_at: z.iso.datetime({ offset: true }).optional(),
  }),
  z.object({ type: z.literal('OAUTH1'), oauth_token: z.string().min(1), oauth_token_secret: z.string().min(1) }),
  z.object({ type: z.literal('API_KEY'), apiKey: z.string().min(1).max(4096) }),
  z.object({ type: z.literal('BASIC'), username: z.string().max(1024), password: z.string().max(4096) }),
  z.object({ type: z.literal('APP'), app_id: z.string().min(1).optional(), installation_id: z.string().min(1) }),
  z.object({ type: z.literal('NONE') }),
]);

const configValues = z.record(
  z.string().min(1).max(100),
  z.union([z.string(), z.number(), z.boolean()]).transform(String),
);

export const importConnectionBodySchema = z.object({
  provider_config_key: uniqueKeySchema,
  connection_id: connectionIdSchema.optional(),
  credentials: importCredentialsSchema,
  connection_config: configValues.optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  tags: tagsSchema.optional(),
  end_user: endUserSchema.optional(),
});

const commaList = z.string().transform((s) =>
  s
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean),
);

const LIST_CONNECTIONS_PARAMS = {
  connectionId: true,
  search: true,
  endUserId: true,
  endUserOrganizationId: true,
  integrationId: true,
  limit: true,
  page: true,
};

/** Without `limit`, up to this many connections come back (the reference API's backwards-compatible default). */
export const DEFAULT_CONNECTIONS_LIMIT = 10_000;

/**
 * `GET /connections`. Unknown parameters are refused (a misspelt filter must not return everything);
 * `tags[key]=value` is the one open-ended family.
 */
export const listConnectionsQuerySchema = z
  .object({
    connectionId: z.string().max(255).optional(),
    search: z.string().max(255).optional(),
    /** @deprecated tags[end_user_id] */
    endUserId: z.string().max(255).optional(),
    /** @deprecated tags[organization_id] */
    endUserOrganizationId: z.string().max(255).optional(),
    integrationId: commaList.optional(),
    limit: z.coerce.number().int().min(1).max(2000).default(DEFAULT_CONNECTIONS_LIMIT),
    page: z.coerce.number().int().min(0).default(0),
  })
  .catchall(z.string())
  .superRefine((query, ctx) => {
    for (const name of Object.keys(query))
      if (!(name in LIST_CONNECTIONS_PARAMS) && !/^tags\[[^\]]+\]$/.test(name))
        ctx.addIssue({ code: 'custom', path: [name], message: `Unknown query parameter "${name}"` });
  });

const booleanFlag = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1')
  .optional();

export const getConnectionQuerySchema = z.object({
  provider_config_key: uniqueKeySchema,
  force_refresh: booleanFlag,
  refresh_token: booleanFlag,
  refresh_github_app_jwt_token: booleanFlag,
});

export const connectionRefQuerySchema = z.object({ provider_config_key: uniqueKeySchema });
export const connectionPathSchema = z.object({ connectionId: connectionIdSchema });

export const patchConnectionBodySchema = z.strictObject({
  tags: tagsSchema.optional(),
  webhook_url_override: z.union([z.url({ protocol: /^https?$/ }), z.literal('')]).optional(),
  end_user: endUserSchema.optional(),
});

export const metadataBodySchema = z.object({
  connection_id: z.union([connectionIdSchema, z.array(connectionIdSchema).min(1).max(100)]),
  provider_config_key: uniqueKeySchema,
  metadata: z.record(z.string(), z.unknown()),
});

export const connectionErrorSchema = z.object({ type: z.enum(['auth', 'sync']), log_id: z.string() });

export const connectionSummarySchema = z.object({
  id: z.number().int(),
  connection_id: z.string(),
  provider: z.string(),
  provider_config_key: z.string(),
  created: z.string(),
  metadata: z.record(z.string(), z.unknown()).nullable(),
  tags: z.record(z.string(), z.string()),
  errors: z.array(connectionErrorSchema),
  end_user: endUserSchema.nullable().optional(),
});

export const connectionFullSchema = z.object({
  id: z.number().int(),
  connection_id: z.string(),
  provider_config_key: z.string(),
  provider: z.string(),
  errors: z.array(connectionErrorSchema),
  end_user: endUserSchema.nullable().optional(),
  metadata: z.record(z.string(), z.unknown()),
  connection_config: z.record(z.string(), z.unknown()),
  tags: z.record(z.string(), z.string()),
  created_at: z.string(),
  updated_at: z.string(),
  last_fetched_at: z.string().nullable(),
  credentials: z.record(z.string(), z.unknown()),
});
export type ConnectionFull = z.infer<typeof connectionFullSchema>;
export type ConnectionSummary = z.infer<typeof connectionSummarySchema>;
