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

/** The owning environment; rows go with it. */
const environmentRef = () =>
  integer('environment_id')
    .notNull()
    .references(() => environments.id, { onDelete: 'cascade' });

export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    environmentId: environmentRef(),
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
    environmentId: environmentRef(),
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
    environmentId: environmentRef(),
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

/** Short-lived tokens that let a browser connect an account for one end user. Only the hash is stored. */
export const connectSessions = sqliteTable(
  'connect_sessions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    environmentId: environmentRef(),
    tokenHash: text('token_hash').notNull().unique(),
    /** JSON: tags, allowed_integrations, integrations_config_defaults, overrides, end_user, organization, webhook_url_override. */
    settings: text('settings').notNull().default('{}'),
    /** Set for reconnect sessions: the connection (public id) and integration being re-authorised. */
    reconnectConnectionId: text('reconnect_connection_id'),
    reconnectIntegrationId: integer('reconnect_integration_id'),
    expiresAt: text('expires_at').notNull(),
    createdAt: timestamps.createdAt,
  },
  (t) => [index('connect_sessions_expiry').on(t.expiresAt)],
);

/** The index of connections; credentials live encrypted in each connection's Durable Object. */
export const connections = sqliteTable(
  'connections',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    environmentId: environmentRef(),
    integrationId: integer('integration_id')
      .notNull()
      .references(() => integrations.id, { onDelete: 'cascade' }),
    connectionId: text('connection_id').notNull(),
    provider: text('provider').notNull(),
    authMode: text('auth_mode').notNull(),
    /** JSON object of connection-config values (subdomain, instance_url, …). Not secret. */
    connectionConfig: text('connection_config').notNull().default('{}'),
    metadata: text('metadata').notNull().default('{}'),
    tags: text('tags').notNull().default('{}'),
    endUser: text('end_user'),
    webhookUrlOverride: text('webhook_url_override'),
    /** Non-null while the connection needs the user to re-authorise (refresh failed for good). */
    authError: text('auth_error'),
    authErrorEventId: integer('auth_error_event_id'),
    credentialsExpiresAt: text('credentials_expires_at'),
    lastFetchedAt: text('last_fetched_at'),
    /** The D1 binding holding this connection's records (null: not chosen yet; see workers/records/shards.ts). */
    recordsDb: text('records_db'),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('connections_env_integration_conn').on(t.environmentId, t.integrationId, t.connectionId),
    index('connections_env_created').on(t.environmentId, t.id),
  ],
);

/** OAuth attempts in flight, found by the hash of `state`. Deleted when the callback consumes them. */
export const oauthSessions = sqliteTable(
  'oauth_sessions',
  {
    stateHash: text('state_hash').primaryKey(),
    environmentId: environmentRef(),
    integrationId: integer('integration_id')
      .notNull()
      .references(() => integrations.id, { onDelete: 'cascade' }),
    /** Sealed JSON: connection id, PKCE verifier, cookie binding hash, connection config, client overrides, session id, ws client id. */
    payloadEnc: text('payload_enc').notNull(),
    expiresAt: text('expires_at').notNull(),
    createdAt: timestamps.createdAt,
  },
  (t) => [index('oauth_sessions_expiry').on(t.expiresAt)],
);

/**
 * Connections left behind by a deleted integration or environment, each to be torn down in its
 * ConnectionObject (grant revoked where the provider supports it, credentials erased). Written in the
 * same D1 batch as the deletion, worked off through the `pier-jobs` queue and by the hourly sweep for
 * anything the queue did not finish. No foreign keys: the rows they describe are already gone.
 */
export const connectionTeardowns = sqliteTable(
  'connection_teardowns',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    environmentId: integer('environment_id').notNull(),
    integrationId: integer('integration_id').notNull(),
    connectionId: text('connection_id').notNull(),
    integrationKey: text('integration_key').notNull(),
    provider: text('provider').notNull(),
    /** Where the teardown's log line goes: the deleting key's environment when a whole environment goes. */
    logEnvironmentId: integer('log_environment_id').notNull(),
    /** Sealed JSON `{ url, clientId, clientSecret }`: where and as whom to revoke; null without revocation. */
    revocationEnc: text('revocation_enc'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    createdAt: timestamps.createdAt,
  },
  (t) => [index('connection_teardowns_created').on(t.createdAt)],
);
export type ConnectionTeardownRow = typeof connectionTeardowns.$inferSelect;

/**
 * Durable outbox of events for the customer's backend (auth now; sync and others later).
 * `payload` is the webhook body; `deliveredAt` is set by the webhook deliverer.
 */
export const outboxEvents = sqliteTable(
  'outbox_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    environmentId: environmentRef(),
    type: text('type').notNull(),
    connectionId: text('connection_id'),
    integrationKey: text('integration_key'),
    payload: text('payload').notNull(),
    deliveredAt: text('delivered_at'),
    /** Public event id (receivers deduplicate by it); unique, so recording the same event twice records it once. */
    uid: text('uid'),
    createdAt: timestamps.createdAt,
  },
  (t) => [index('outbox_env_created').on(t.environmentId, t.id), uniqueIndex('outbox_events_uid').on(t.uid)],
);

/**
 * One outbox event on its way to one destination URL (primary, secondary, or the connection's
 * override). Written in the same D1 batch as the event; the `pier-webhooks` queue only says "look
 * at delivery N", so a lost message loses nothing (the sweep re-sends what is due and unleased).
 */
export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    environmentId: environmentRef(),
    eventUid: text('event_uid').notNull(),
    eventType: text('event_type').notNull(),
    connectionId: text('connection_id'),
    integrationKey: text('integration_key'),
    /** `primary`, `secondary` or `override`. */
    destination: text('destination').notNull(),
    url: text('url').notNull(),
    /** `pending` (to be attempted), `delivered`, or `failed` (retries exhausted or refused: the dead letters). */
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAtMs: integer('next_attempt_at_ms').notNull(),
    /** Set while an attempt is in flight; an expired lease means the attempt's process died. */
    leaseUntilMs: integer('lease_until_ms'),
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
    lastDurationMs: integer('last_duration_ms'),
    lastAttemptAt: text('last_attempt_at'),
    deliveredAt: text('delivered_at'),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('webhook_deliveries_event_destination').on(t.eventUid, t.destination),
    index('webhook_deliveries_due').on(t.status, t.nextAttemptAtMs),
    index('webhook_deliveries_env').on(t.environmentId, t.id),
  ],
);
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;

/**
 * Circuit breaker per destination URL: after consecutive failures the destination is skipped (its
 * deliveries wait parked, without queue messages or spent attempts) until `openUntilMs`, so a dead
 * endpoint costs the others nothing. One trial attempt after the cool-down closes it (and wakes the
 * parked deliveries) or re-opens it.
 */
export const webhookEndpoints = sqliteTable('webhook_endpoints', {
  url: text('url').primaryKey(),
  failures: integer('failures').notNull().default(0),
  openUntilMs: integer('open_until_ms'),
  /** When the one delivery that will try the destination again after the cool-down is due (the others wait parked). */
  trialAtMs: integer('trial_at_ms'),
  updatedAt: timestamps.updatedAt,
});

/**
 * Provider webhooks received at `/webhook/:environmentUuid/:integration`, verified, stored before the
 * provider gets its answer, and processed from the `pier-jobs` queue (routing, sync `onWebhook`
 * handlers, forwarding). Kept like the operations log.
 */
export const incomingWebhooks = sqliteTable(
  'incoming_webhooks',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    uid: text('uid').notNull().unique(),
    environmentId: environmentRef(),
    integrationId: integer('integration_id')
      .notNull()
      .references(() => integrations.id, { onDelete: 'cascade' }),
    /** JSON of the headers worth keeping (event type, delivery id); never signatures. */
    headers: text('headers').notNull(),
    body: text('body').notNull(),
    /** `received`, `processing` (`processedAt` is then its lease's end), `processed` or `unroutable` (no connection matched). */
    status: text('status').notNull().default('received'),
    attempts: integer('attempts').notNull().default(0),
    /** JSON: matched connections, handlers run, forwarded, errors. */
    result: text('result'),
    createdAt: timestamps.createdAt,
    processedAt: text('processed_at'),
  },
  (t) => [
    index('incoming_webhooks_env_created').on(t.environmentId, t.id),
    index('incoming_webhooks_status').on(t.status, t.id),
  ],
);
export type IncomingWebhookRow = typeof incomingWebhooks.$inferSelect;

/**
 * The operations log: one row per proxied call (later: sync runs, actions, webhooks). No bodies and
 * no credentials: `path` is what the caller asked for, with secret-looking query values redacted.
 * Rows older than the retention period are removed by the scheduled clean-up.
 */
export const operations = sqliteTable(
  'operations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    environmentId: environmentRef(),
    /** `proxy` or `auth` (token refreshes); later syncs, actions and webhooks. */
    type: text('type').notNull(),
    /** `success` (2xx/3xx upstream), `failure` (anything else, including Pier refusing the call). */
    outcome: text('outcome').notNull(),
    connectionId: text('connection_id'),
    integrationKey: text('integration_key'),
    provider: text('provider'),
    method: text('method'),
    path: text('path'),
    /** Upstream status, or Pier's own when the call never reached the provider. */
    status: integer('status'),
    durationMs: integer('duration_ms').notNull(),
    retries: integer('retries').notNull().default(0),
    /** Bytes of the response body sent back (null when the upstream gave no length). */
    bytes: integer('bytes'),
    errorCode: text('error_code'),
    message: text('message'),
    requestId: text('request_id'),
    createdAt: timestamps.createdAt,
  },
  (t) => [
    index('operations_env_created').on(t.environmentId, t.createdAt, t.id),
    index('operations_env_connection').on(t.environmentId, t.connectionId, t.createdAt),
    index('operations_created').on(t.createdAt),
  ],
);

export type ConnectSessionRow = typeof connectSessions.$inferSelect;
export type ConnectionRow = typeof connections.$inferSelect;
export type OauthSessionRow = typeof oauthSessions.$inferSelect;
export type OutboxEventRow = typeof outboxEvents.$inferSelect;
export type OperationRow = typeof operations.$inferSelect;

/**
 * Deployed integration scripts (actions, syncs, on-event scripts) per environment and integration:
 * their definitions as the CLI compiled them. The code itself is in the dispatch namespace
 * (`deployed_scripts` locally) under `dispatchName`.
 */
export const functions = sqliteTable(
  'functions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    environmentId: environmentRef(),
    integrationId: integer('integration_id')
      .notNull()
      .references(() => integrations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** `action`, `sync` or `on-event`. */
    type: text('type').notNull(),
    /** The script's own `version`, if it declares one. */
    version: text('version'),
    /** JSON of FunctionDefinition (description, schemas, frequency, event…). */
    definition: text('definition').notNull(),
    dispatchName: text('dispatch_name').notNull(),
    /** SHA-256 of the bundle: a deploy with the same hash changes nothing. */
    bundleHash: text('bundle_hash').notNull(),
    /** SHA-256 of the definition JSON. */
    definitionHash: text('definition_hash').notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    ...timestamps,
  },
  (t) => [uniqueIndex('functions_env_integration_type_name').on(t.environmentId, t.integrationId, t.type, t.name)],
);
export type FunctionRow = typeof functions.$inferSelect;

/** Where a script got to on a connection (`saveCheckpoint`); goes with the connection. */
export const functionCheckpoints = sqliteTable(
  'function_checkpoints',
  {
    connectionRowId: integer('connection_row_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    functionName: text('function_name').notNull(),
    /** JSON: flat object of strings, numbers and booleans. */
    checkpoint: text('checkpoint').notNull(),
    updatedAt: timestamps.updatedAt,
  },
  (t) => [primaryKey({ columns: [t.connectionRowId, t.functionName] })],
);

/** Locks scripts take on a connection (`tryAcquireLock`); an expired lock is free. */
export const functionLocks = sqliteTable(
  'function_locks',
  {
    connectionRowId: integer('connection_row_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    /** The run holding it. */
    owner: text('owner').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.connectionRowId, t.key] })],
);

/**
 * Actions triggered with `X-Async: true`: the request, its attempts and its outcome. The run itself
 * is a task of the connection's Durable Object (its alarm survives restarts); this row is what
 * `GET /action/:id` reads. Goes with its connection.
 */
export const asyncActions = sqliteTable(
  'async_actions',
  {
    id: text('id').primaryKey(),
    environmentId: environmentRef(),
    integrationId: integer('integration_id')
      .notNull()
      .references(() => integrations.id, { onDelete: 'cascade' }),
    connectionRowId: integer('connection_row_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    actionName: text('action_name').notNull(),
    /** JSON of the input. */
    input: text('input').notNull(),
    /** `waiting`, `running`, `succeeded` or `failed`. */
    status: text('status').notNull(),
    attempts: integer('attempts').notNull().default(0),
    maxRetries: integer('max_retries').notNull().default(0),
    /** JSON of the output once succeeded. */
    output: text('output'),
    /** JSON `{ code, message, payload? }` once failed (or of the last failed attempt). */
    error: text('error'),
    ...timestamps,
  },
  (t) => [index('async_actions_env_created').on(t.environmentId, t.createdAt)],
);
export type AsyncActionRow = typeof asyncActions.$inferSelect;

/**
 * Synced records, one row per (connection, model, variant, record id) holding its latest state. `seq`
 * is the connection's change sequence number of the row's last change (allocated by the connection's
 * Durable Object, the single writer), so paging by `seq` reads every change once, in order. Lives in
 * the connection's records database (a shard; the main one locally), so no foreign keys: rows go with
 * their connection through the records store.
 */
export const records = sqliteTable(
  'records',
  {
    connectionRowId: integer('connection_row_id').notNull(),
    model: text('model').notNull(),
    variant: text('variant').notNull().default('base'),
    externalId: text('external_id').notNull(),
    /** JSON of the record as the script saved it. */
    data: text('data').notNull(),
    /** SHA-256 of the canonical JSON: an unchanged record is not rewritten. */
    hash: text('hash').notNull(),
    seq: integer('seq').notNull(),
    firstSeenAt: text('first_seen_at').notNull(),
    lastModifiedAt: text('last_modified_at').notNull(),
    /** `ADDED`, `UPDATED` or `DELETED`. */
    lastAction: text('last_action').notNull(),
    deletedAt: text('deleted_at'),
    prunedAt: text('pruned_at'),
    /** The deletion-tracking generation that last saw the record (`trackDeletesStart/End`). */
    generation: integer('generation').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.connectionRowId, t.model, t.variant, t.externalId] }),
    index('records_feed').on(t.connectionRowId, t.model, t.variant, t.seq),
  ],
);
export type RecordRow = typeof records.$inferSelect;

/**
 * Running sync slices per environment (a counting semaphore with leases): a slice takes a slot
 * before it runs and gives it back after; a slot whose lease ran out (its process died) is free.
 */
export const syncSlots = sqliteTable(
  'sync_slots',
  {
    environmentId: environmentRef(),
    /** `<connection row id>:<sync>:<variant>`. */
    holder: text('holder').notNull(),
    expiresAtMs: integer('expires_at_ms').notNull(),
  },
  (t) => [primaryKey({ columns: [t.environmentId, t.holder] })],
);
