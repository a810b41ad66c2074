import { and, eq, gt, lt } from 'drizzle-orm';
import type { z } from 'zod';
import type {
  ConnectSessionInfo,
  ConnectSessionSettings,
  createConnectSessionBodySchema,
  reconnectSessionBodySchema,
} from '../../sdk/contract/connect-sessions.js';
import type { ProviderDefinition } from '../../sdk/contract/provider-definition.js';
import type { PierConfig } from '../config.js';
import { PROVIDER_LOGOS } from '../connect-ui/generated/logos.js';
import { findConnectionRow } from '../connections/store.js';
import { hashSecretKey } from '../crypto/api-keys.js';
import { toBase64Url } from '../crypto/encoding.js';
import { openJson, sealJson } from '../crypto/secret-box.js';
import { type Db, nowIso } from '../db/client.js';
import { type ConnectSessionRow, connectSessions, type EnvironmentRow } from '../db/schema.js';
import { findEnvironmentById } from '../environments/store.js';
import { ApiError } from '../http/api-error.js';
import { findIntegrationRow, listIntegrationRows } from '../integrations/store.js';
import { findProvider } from '../providers/service.js';

export const CONNECT_SESSION_TTL_MS = 30 * 60 * 1000;
const TOKEN_PREFIX = 'pier_connect_session_';

export type ConnectSession = {
  row: ConnectSessionRow;
  environment: EnvironmentRow;
  settings: ConnectSessionSettings;
};

export function connectLink(origin: string, token: string): string {
  return `${origin}/connect/?session_token=${encodeURIComponent(token)}`;
}

/** Settings may hold an OAuth client secret override: sealed at rest, bound to the session's token hash. */
const settingsContext = (tokenHash: string) => `connect_session:${tokenHash}:settings`;

async function insertSession(
  db: Db,
  config: PierConfig,
  environmentId: number,
  settings: object,
  reconnect?: { connectionId: string; integrationId: number },
): Promise<{ token: string; expiresAt: string }> {
  const token = TOKEN_PREFIX + toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
  const expiresAt = new Date(Date.now() + CONNECT_SESSION_TTL_MS).toISOString();
  const tokenHash = await hashSecretKey(token);
  await db.insert(connectSessions).values({
    environmentId,
    tokenHash,
    settings: await sealJson(config, settings, settingsContext(tokenHash)),
    reconnectConnectionId: reconnect?.connectionId ?? null,
    reconnectIntegrationId: reconnect?.integrationId ?? null,
    expiresAt,
  });
  // Expired sessions are useless; clearing them here keeps the table small without a cron.
  await db.delete(connectSessions).where(lt(connectSessions.expiresAt, nowIso()));
  return { token, expiresAt };
}

/** `POST /connect/sessions`: a 30-minute token for one end user's Connect UI. */
export async function createConnectSession(
  db: Db,
  config: PierConfig,
  environment: EnvironmentRow,
  body: z.output<typeof createConnectSessionBodySchema>,
  origin: string,
) {
  for (const key of [...(body.allowed_integrations ?? []), ...Object.keys(body.integrations_config_defaults ?? {})]) {
    if (!(await findIntegrationRow(db, environment.id, key)))
      throw new ApiError('unknown_provider_config', 400, `No integration "${key}" in this environment`, [
        { code: 'custom', path: ['allowed_integrations'], message: `unknown integration "${key}"` },
      ]);
  }
  const { token, expiresAt } = await insertSession(db, config, environment.id, body);
  return { token, connect_link: connectLink(origin, token), expires_at: expiresAt };
}

/** `POST /connect/sessions/reconnect`: a session that can only re-authorise one existing connection. */
export async function createReconnectSession(
  db: Db,
  config: PierConfig,
  environment: EnvironmentRow,
  body: z.output<typeof reconnectSessionBodySchema>,
  origin: string,
) {
  const integration = await findIntegrationRow(db, environment.id, body.integration_id);
  if (!integration)
    throw new ApiError('unknown_provider_config', 400, `No integration "${body.integration_id}" in this environment`);
  const connection = await findConnectionRow(db, environment.id, integration.id, body.connection_id);
  if (!connection)
    throw new ApiError(
      'unknown_connection',
      404,
      `No connection "${body.connection_id}" for integration "${body.integration_id}"`,
    );
  const { connection_id: _c, integration_id: _i, ...settings } = body;
  const { token, expiresAt } = await insertSession(
    db,
    config,
    environment.id,
    { ...settings, allowed_integrations: [integration.uniqueKey] },
    { connectionId: connection.connectionId, integrationId: integration.id },
  );
  return { token, connect_link: connectLink(origin, token), expires_at: expiresAt };
}

/** Finds a live session by its token; a clear 401 for unknown or expired ones. */
export async function findConnectSession(
  db: Db,
  config: PierConfig,
  token: string | undefined,
): Promise<ConnectSession> {
  if (!token)
    throw new ApiError(
      'invalid_connect_session',
      401,
      'A connect session token is required; ask the app to open Connect again',
    );
  const row = await db
    .select()
    .from(connectSessions)
    .where(and(eq(connectSessions.tokenHash, await hashSecretKey(token)), gt(connectSessions.expiresAt, nowIso())))
    .get();
  if (!row)
    throw new ApiError(
      'invalid_connect_session',
      401,
      'This connect session has expired or is not valid; ask the app to open Connect again',
    );
  const environment = await findEnvironmentById(db, row.environmentId);
  if (!environment) throw new ApiError('invalid_connect_session', 401, 'This connect session is no longer valid');
  return {
    row,
    environment,
    settings: await openJson<ConnectSessionSettings>(config, row.settings, settingsContext(row.tokenHash)),
  };
}

/** The settings of a session, even an expired one: the OAuth callback may outlive the session token. */
export async function findConnectSessionSettings(
  db: Db,
  config: PierConfig,
  id: number,
): Promise<ConnectSessionSettings | undefined> {
  const row = await db
    .select({ settings: connectSessions.settings, tokenHash: connectSessions.tokenHash })
    .from(connectSessions)
    .where(eq(connectSessions.id, id))
    .get();
  return row ? openJson<ConnectSessionSettings>(config, row.settings, settingsContext(row.tokenHash)) : undefined;
}

export async function deleteConnectSession(db: Db, session: ConnectSession): Promise<void> {
  await db.delete(connectSessions).where(eq(connectSessions.id, session.row.id));
}

type Field = ConnectSessionInfo['integrations'][number]['fields'][number];

/** The inputs the Connect UI must ask for, from the provider's catalog entry. */
export function formFields(provider: ProviderDefinition): Field[] {
  const fields: Field[] = [];
  const push = (name: string, where: Field['in'], f: ProviderDefinition['connectionConfig'][string]) => {
    if (f.automated || f.hidden) return;
    fields.push({
      name,
      in: where,
      title: f.title,
      ...(f.description ? { description: f.description } : {}),
      ...(f.pattern ? { pattern: f.pattern } : {}),
      ...(f.prefix ? { prefix: f.prefix } : {}),
      ...(f.suffix ? { suffix: f.suffix } : {}),
      ...(f.example ? { example: f.example } : {}),
      optional: f.optional,
      secret: f.secret,
      ...(f.enum ? { enum: f.enum } : {}),
      ...(f.enum && f.enumLabels ? { enum_labels: f.enumLabels } : {}),
      ...(f.defaultValue ? { default_value: f.defaultValue } : {}),
    });
  };
  const auth = provider.auth;
  if (auth.mode === 'API_KEY')
    push('apiKey', 'credentials', auth.apiKey ?? { ...defaults, title: 'API key', secret: true });
  if (auth.mode === 'BASIC') {
    push('username', 'credentials', auth.username ?? { ...defaults, title: 'Username' });
    push('password', 'credentials', auth.password ?? { ...defaults, title: 'Password', secret: true });
  }
  if (auth.mode === 'OAUTH2_CC') {
    push('client_id', 'credentials', { ...defaults, title: 'Client ID' });
    push('client_secret', 'credentials', { ...defaults, title: 'Client secret', secret: true });
  }
  if (auth.mode === 'JWT') for (const [name, f] of Object.entries(auth.credentials)) push(name, 'credentials', f);
  for (const [name, f] of Object.entries(provider.connectionConfig)) push(name, 'connection_config', f);
  return fields;
}

const defaults = { type: 'string' as const, optional: false, secret: false, hidden: false, automated: false };

/** `GET /connect/session`: what the Connect UI shows for this session. */
export async function describeConnectSession(
  db: Db,
  session: ConnectSession,
  presented: { token: string; origin: string },
): Promise<ConnectSessionInfo> {
  const allowed = session.settings.allowed_integrations;
  const rows = (await listIntegrationRows(db, session.environment.id)).filter(
    (r) => !allowed || allowed.includes(r.uniqueKey),
  );
  const integrations: ConnectSessionInfo['integrations'] = [];
  for (const row of rows) {
    const provider = await findProvider(db, session.environment.id, row.provider);
    if (!provider) continue;
    const definition = provider.definition;
    // Where to find what the form asks for: the app's override, the catalog's page for connecting, and
    // for typed credentials (API keys, passwords) the provider's own documentation.
    const typed = definition.auth.mode === 'API_KEY' || definition.auth.mode === 'BASIC';
    const docs =
      session.settings.overrides?.[row.uniqueKey]?.docs_connect ??
      definition.docsConnect ??
      (typed ? definition.docs : undefined);
    integrations.push({
      unique_key: row.uniqueKey,
      display_name: row.displayName,
      provider: row.provider,
      auth_mode: provider.definition.auth.mode,
      ...(docs ? { docs_connect: docs } : {}),
      // Built-in providers only: a custom provider of the same name is not that brand.
      ...(provider.custom || !PROVIDER_LOGOS[row.provider] ? {} : { logo: PROVIDER_LOGOS[row.provider] }),
      fields: formFields(provider.definition),
    });
  }
  return {
    // The reference's ConnectSession shape: the token the caller presented, its link and expiry.
    token: presented.token,
    connect_link: connectLink(presented.origin, presented.token),
    ...(allowed ? { allowed_integrations: allowed } : {}),
    ...(session.settings.integrations_config_defaults
      ? { integrations_config_defaults: withoutClientSecrets(session.settings.integrations_config_defaults) }
      : {}),
    end_user: session.settings.end_user ?? null,
    ...(session.settings.tags ? { tags: session.settings.tags } : {}),
    ...(session.settings.theme ? { theme: session.settings.theme } : {}),
    is_reconnect: session.row.reconnectConnectionId !== null,
    expires_at: session.row.expiresAt,
    integrations,
  };
}

/** The browser never sees an OAuth client secret override, only that one is set. */
function withoutClientSecrets(defaults: NonNullable<ConnectSessionSettings['integrations_config_defaults']>) {
  return Object.fromEntries(
    Object.entries(defaults).map(([key, value]) => {
      const { oauth_client_secret_override: secret, ...connectionConfig } = value.connection_config ?? {};
      return [
        key,
        {
          ...value,
          connection_config: { ...connectionConfig, ...(secret ? { oauth_client_secret_override: '********' } : {}) },
        },
      ];
    }),
  );
}
