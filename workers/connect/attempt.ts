import type { AttemptMessage } from '../../durable-objects/connect-attempt-object.js';
import type { ProviderDefinition } from '../../sdk/contract/provider-definition.js';
import type { PierConfig } from '../config.js';
import { type ConnectionScope, resolveIntegration, validateConnectionConfig } from '../connections/service.js';
import type { Db } from '../db/client.js';
import type { IntegrationRow } from '../db/schema.js';
import { ApiError } from '../http/api-error.js';
import { type ConnectSession, findConnectSession } from './sessions.js';

/** One end user's attempt to connect an integration, resolved from a connect session. */
export type Attempt = {
  scope: ConnectionScope;
  session: ConnectSession;
  integration: IntegrationRow;
  provider: ProviderDefinition;
  connectionId: string;
  connectionConfig: Record<string, string>;
  /** `integrations_config_defaults[key]` of the session. */
  defaults: NonNullable<ConnectSession['settings']['integrations_config_defaults']>[string] | undefined;
};

/** Reads `prefix[name]=value` query parameters (the frontend SDK's `params[…]`, `authorization_params[…]`). */
export function bracketParams(query: URLSearchParams, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of query) {
    const match = new RegExp(`^${prefix}\\[([^\\]]+)\\]$`).exec(key);
    if (match?.[1] && value !== 'undefined') out[match[1]] = value;
  }
  return out;
}

/**
 * What an end user may set from the browser: the provider's declared fields that a person fills in.
 * Fields the platform fills (`automated`: token-response values, callback metadata) and undeclared
 * names are dropped, so a browser cannot pre-set where a later token request goes.
 */
export function userFields(provider: ProviderDefinition, values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).filter(([name]) => {
      const field = Object.hasOwn(provider.connectionConfig, name) ? provider.connectionConfig[name] : undefined;
      return field !== undefined && !field.automated;
    }),
  );
}

const OVERRIDE_KEYS = new Set(['oauth_scopes_override', 'oauth_client_id_override', 'oauth_client_secret_override']);

/**
 * Resolves and checks an attempt: a live session, an integration it allows, the auth mode the
 * route serves, and a connection id (the reconnected one, or a new one).
 */
export async function startAttempt(
  deps: { db: Db; config: PierConfig; env: Env },
  input: {
    sessionToken: string | undefined;
    integrationKey: string;
    modes: readonly string[];
    connectionConfig: Record<string, string>;
    requireUserFields: boolean;
  },
): Promise<Attempt> {
  const session = await findConnectSession(deps.db, deps.config, input.sessionToken);
  const scope: ConnectionScope = { ...deps, environment: session.environment };
  const allowed = session.settings.allowed_integrations;
  if (allowed && !allowed.includes(input.integrationKey))
    throw new ApiError('integration_not_allowed', 403, `This connect session does not allow "${input.integrationKey}"`);
  const { integration, provider } = await resolveIntegration(scope, input.integrationKey);
  if (session.row.reconnectIntegrationId !== null && session.row.reconnectIntegrationId !== integration.id)
    throw new ApiError('integration_not_allowed', 403, 'This reconnect session is for another integration');
  if (!input.modes.includes(provider.auth.mode))
    throw new ApiError(
      'wrong_auth_mode',
      400,
      `"${input.integrationKey}" uses ${provider.auth.mode}, which this endpoint does not handle`,
    );
  const defaults = session.settings.integrations_config_defaults?.[input.integrationKey];
  const fromDefaults = Object.fromEntries(
    Object.entries(defaults?.connection_config ?? {})
      .filter(([k]) => !OVERRIDE_KEYS.has(k))
      .map(([k, v]) => [k, String(v)]),
  );
  const connectionConfig = validateConnectionConfig(
    provider,
    { ...fromDefaults, ...userFields(provider, input.connectionConfig) },
    {
      requireUserFields: input.requireUserFields,
    },
  );
  return {
    scope,
    session,
    integration,
    provider,
    connectionId: session.row.reconnectConnectionId ?? crypto.randomUUID(),
    connectionConfig,
    defaults,
  };
}

/** A WebSocket client id is the hex id of a ConnectAttemptObject; anything else is ignored. */
export function isAttemptId(value: string | null | undefined): value is string {
  return typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);
}

/** Pushes the outcome to the page waiting on the attempt's WebSocket, if there is one. */
export async function notifyAttempt(env: Env, wsClientId: string | undefined, message: AttemptMessage): Promise<void> {
  if (!isAttemptId(wsClientId)) return;
  try {
    await env.CONNECT_ATTEMPT.get(env.CONNECT_ATTEMPT.idFromString(wsClientId)).publish(message);
  } catch {
    // A forged or foreign id: the popup's postMessage still reports the outcome.
  }
}
