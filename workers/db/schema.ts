import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/**
 * D1 schema. Storage types stay here; API shapes live in sdk/contract and formatters map between them.
 * Secrets are stored either hashed (API keys) or encrypted with the platform key (`*_enc` columns).
 */

const timestamps = {
  createdAt: text('created_at').notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`),
  updatedAt: text('updated_at').notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`),
};

export const environments = sqliteTable('environments', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  /** Public identifier used in URLs (incoming webhooks). */
  uuid: text('uuid').notNull().unique(),
  name: text('name').notNull().unique(),
  isProduction: integer('is_production', { mode: 'boolean' }).notNull().default(false),
  callbackUrl: text('callback_url'),
  /** JSON of WebhookSettings (URLs and which events to send). */
  webhookSettings: text('webhook_settings').notNull().default('{}'),
  /** Encrypted webhook signing key. */
  webhookSigningKeyEnc: text('webhook_signing_key_enc').notNull(),
  ...timestamps,
});

export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    environmentId: integer('environment_id')
      .notNull()
      .references(() => environments.id, { onDelete: 'cascade' }),
    displayName: text('display_name').notNull(),
    /** SHA-256 of the secret, hex. The secret itself is never stored. */
    keyHash: text('key_hash').notNull().unique(),
    prefix: text('prefix').notNull(),
    /** JSON array of scopes. */
    scopes: text('scopes').notNull(),
    lastUsedAt: text('last_used_at'),
    createdAt: timestamps.createdAt,
  },
  (t) => [uniqueIndex('api_keys_env_name').on(t.environmentId, t.displayName)],
);

export const integrations = sqliteTable(
  'integrations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    environmentId: integer('environment_id')
      .notNull()
      .references(() => environments.id, { onDelete: 'cascade' }),
    uniqueKey: text('unique_key').notNull(),
    provider: text('provider').notNull(),
    displayName: text('display_name').notNull(),
    forwardWebhooks: integer('forward_webhooks', { mode: 'boolean' }).notNull().default(true),
    /** Encrypted JSON of IntegrationCredentials, or null. */
    credentialsEnc: text('credentials_enc'),
    /** JSON object of provider-specific settings (not secret). */
    integrationConfig: text('integration_config').notNull().default('{}'),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('integrations_env_key').on(t.environmentId, t.uniqueKey),
    index('integrations_env_provider').on(t.environmentId, t.provider),
  ],
);

export const customProviders = sqliteTable(
  'custom_providers',
  {
    environmentId: integer('environment_id')
      .notNull()
      .references(() => environments.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** JSON of a validated ProviderDefinition (Pier's format). */
    definition: text('definition').notNull(),
    ...timestamps,
  },
  (t) => [primaryKey({ columns: [t.environmentId, t.name] })],
);

export type EnvironmentRow = typeof environments.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type IntegrationRow = typeof integrations.$inferSelect;
export type CustomProviderRow = typeof customProviders.$inferSelect;

/**
 * Code of deployed user scripts, keyed by dispatch name. Locally the Worker Loader stand-in runs
 * it from here; in production the same code is uploaded to the dispatch namespace.
 */
export const deployedScripts = sqliteTable('deployed_scripts', {
  name: text('name').primaryKey(),
  /** An ES module whose default export has a `fetch` handler. */
  code: text('code').notNull(),
  /** Content hash: changes whenever the code does, so the loader never runs a stale isolate. */
  version: text('version').notNull(),
  ...timestamps,
});
export type DeployedScriptRow = typeof deployedScripts.$inferSelect;
