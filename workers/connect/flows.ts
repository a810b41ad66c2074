import { calculatePKCECodeChallenge, generateRandomCodeVerifier, generateRandomState } from 'oauth4webapi';
import type { ProviderDefinition } from '../../sdk/contract/provider-definition.js';
import type { ConnectionCredentials } from '../auth/credentials.js';
import { authorizationHeader } from '../auth/oauth1-signature.js';
import { requestToken, tokenResponseMetadata, toOAuth2Credentials } from '../auth/oauth2-token.js';
import { clientCredentialsToken, installationToken, signProviderJwt } from '../auth/renew.js';
import type { PierConfig } from '../config.js';
import { resolveIntegration, saveConnection } from '../connections/service.js';
import { hashSecretKey } from '../crypto/api-keys.js';
import { toBase64Url } from '../crypto/encoding.js';
import type { Db } from '../db/client.js';
import { findEnvironmentById } from '../environments/store.js';
import { ApiError } from '../http/api-error.js';
import { readIntegrationCredentials } from '../integrations/service.js';
import { findIntegrationById } from '../integrations/store.js';
import { allowsCustomHosts, describeUrlFailure, resolveProviderUrl } from '../providers/provider-url.js';
import { type Attempt, notifyAttempt, startAttempt } from './attempt.js';
import {
  consumeOAuthSession,
  createOAuthSession,
  type OAuthSessionPayload,
  peekOAuthSession,
  timingSafeEqualHex,
} from './oauth-sessions.js';
import type { PopupOutcome } from './pages.js';
import { findConnectSessionSettings } from './sessions.js';
import { verifyCredentials } from './verify.js';

type Deps = { db: Db; config: PierConfig; env: Env };

/** The result of starting a popup flow: where to send the browser and the cookie that binds it. */
export type OAuthStart = { redirectUrl: string; binding: { state: string; value: string } };

export type PopupParams = {
  sessionToken: string | undefined;
  integrationKey: string;
  wsClientId: string | undefined;
  connectionConfig: Record<string, string>;
  authorizationParams: Record<string, string>;
  userScope: string | undefined;
  clientOverride: { client_id?: string; client_secret?: string };
  origin: string;
};

function redirectUriFor(attempt: Attempt, origin: string): string {
  return attempt.scope.environment.callbackUrl ?? `${origin}/oauth/callback`;
}

/** A provider URL for a connect flow, checked by the one provider-URL mechanism; 400 in words otherwise. */
function resolveUrl(
  template: string,
  target: { provider: ProviderDefinition; integration: { integrationConfig: string } },
  connectionConfig: Record<string, string>,
  config: PierConfig,
  what: string,
): string {
  const result = resolveProviderUrl(template, {
    provider: target.provider,
    vars: { connectionConfig },
    mode: config.mode,
    allowCustomHosts: allowsCustomHosts(target.integration.integrationConfig),
  });
  if (result.ok) return result.url.toString();
  const message = describeUrlFailure(result, `provider's ${what}`);
  switch (result.reason) {
    case 'missing':
      throw new ApiError('invalid_connection_config', 400, message, [
        ...result.missing.map((m) => ({
          code: 'custom',
          path: ['connection_config', m.replace(/^connectionConfig\./, '')],
          message: 'required',
        })),
      ]);
    case 'host_not_allowed':
      throw new ApiError('host_not_allowed', 400, message);
    default:
      throw new ApiError('forbidden_url', 400, message);
  }
}

/**
 * The OAuth client of an attempt. A connect session may fix a client id/secret of its own
 * (`integrations_config_defaults[key].connection_config.oauth_client_*_override`), or set one to an
 * empty string to let the end user type their own; a browser override is refused otherwise.
 */
async function oauthClient(attempt: Attempt, override: PopupParams['clientOverride']) {
  const fromSession = attempt.defaults?.connection_config;
  const id = chooseOverride(fromSession?.oauth_client_id_override, override.client_id, 'client id');
  const secret = chooseOverride(fromSession?.oauth_client_secret_override, override.client_secret, 'client secret');
  if (id && secret) return { client: { client_id: id, client_secret: secret }, overridden: true };
  const stored = await readIntegrationCredentials(attempt.scope.config, attempt.scope.environment, attempt.integration);
  if (stored && 'client_id' in stored)
    return { client: { client_id: stored.client_id, client_secret: stored.client_secret }, overridden: false };
  throw new ApiError(
    'missing_credentials',
    400,
    `The integration "${attempt.integration.uniqueKey}" has no OAuth client id and secret`,
  );
}

function chooseOverride(fromSession: string | undefined, fromBrowser: string | undefined, what: string) {
  if (fromSession) return fromSession;
  if (!fromBrowser) return undefined;
  if (fromSession === '') return fromBrowser;
  throw new ApiError(
    'client_override_not_allowed',
    403,
    `This connect session does not let the end user provide an OAuth ${what}`,
  );
}

/** Authorization parameters only Pier sets: a query string or session default cannot replace them. */
const RESERVED_AUTHORIZATION_PARAMS = new Set([
  'response_type',
  'client_id',
  'redirect_uri',
  'state',
  'code_challenge',
  'code_challenge_method',
]);

function extraAuthorizationParams(...sources: (Record<string, string> | undefined)[]): Record<string, string> {
  return Object.fromEntries(
    sources.flatMap((source) =>
      Object.entries(source ?? {}).filter(([name]) => !RESERVED_AUTHORIZATION_PARAMS.has(name.toLowerCase())),
    ),
  );
}

function scopesFor(
  attempt: Attempt,
  integrationScopes: string | null | undefined,
  separator: string,
  defaults: string[],
): string {
  const override = attempt.defaults?.connection_config?.oauth_scopes_override;
  const list = (override ?? integrationScopes ?? '').split(/[,\s]+/).filter(Boolean);
  return [...new Set([...defaults, ...list])].join(separator);
}

/**
 * `GET /oauth/connect/:integration`: starts OAuth 2 (PKCE S256 unless disabled), OAuth 1.0a or a
 * GitHub-style app install. The `state` is random, single-use and bound to a cookie in this browser.
 */
export async function beginPopupFlow(deps: Deps, params: PopupParams): Promise<OAuthStart> {
  const attempt = await startAttempt(deps, {
    sessionToken: params.sessionToken,
    integrationKey: params.integrationKey,
    modes: ['OAUTH2', 'OAUTH1', 'APP'],
    connectionConfig: params.connectionConfig,
    requireUserFields: true,
  });
  const bindingValue = toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
  const redirectUri = redirectUriFor(attempt, params.origin);
  const base: Omit<OAuthSessionPayload, 'kind'> = {
    environmentId: attempt.scope.environment.id,
    integrationId: attempt.integration.id,
    integrationKey: attempt.integration.uniqueKey,
    connectionId: attempt.connectionId,
    connectSessionId: attempt.session.row.id,
    ...(params.wsClientId ? { wsClientId: params.wsClientId } : {}),
    bindingHash: await hashSecretKey(bindingValue),
    redirectUri,
    connectionConfig: attempt.connectionConfig,
  };
  const auth = attempt.provider.auth;

  if (auth.mode === 'OAUTH2') {
    const { client, overridden } = await oauthClient(attempt, params.clientOverride);
    const codeVerifier = auth.pkce ? generateRandomCodeVerifier() : undefined;
    const stored = await readIntegrationCredentials(deps.config, attempt.scope.environment, attempt.integration);
    const state = await createOAuthSession(deps.db, deps.config, {
      ...base,
      kind: 'OAUTH2',
      ...(codeVerifier ? { codeVerifier } : {}),
      ...(overridden ? { clientOverride: client } : {}),
    });
    const url = new URL(
      resolveUrl(auth.authorizationUrl, attempt, attempt.connectionConfig, deps.config, 'authorization URL'),
    );
    const scope = scopesFor(
      attempt,
      stored && 'scopes' in stored ? stored.scopes : undefined,
      auth.scopeSeparator,
      auth.defaultScopes,
    );
    const query: Record<string, string> = {
      ...(scope ? { scope } : {}),
      ...auth.authorizationParams,
      ...extraAuthorizationParams(attempt.defaults?.authorization_params, params.authorizationParams),
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: redirectUri,
      state,
    };
    const userScope = params.userScope ?? attempt.defaults?.user_scopes;
    if (userScope) query.user_scope = userScope;
    if (codeVerifier) {
      query.code_challenge = await calculatePKCECodeChallenge(codeVerifier);
      query.code_challenge_method = 'S256';
    }
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    return { redirectUrl: url.toString(), binding: { state, value: bindingValue } };
  }

  if (auth.mode === 'OAUTH1') {
    const { client } = await oauthClient(attempt, params.clientOverride);
    // OAuth 1 names its callback before it has a request token, so the state is chosen first.
    const state = generateRandomState();
    const callback = `${redirectUri}?state=${encodeURIComponent(state)}`;
    const requestUrl = resolveUrl(
      auth.requestTokenUrl,
      attempt,
      attempt.connectionConfig,
      deps.config,
      'request token URL',
    );
    const response = await fetch(requestUrl, {
      method: auth.requestHttpMethod,
      headers: {
        authorization: await authorizationHeader({
          method: auth.requestHttpMethod,
          url: requestUrl,
          consumerKey: client.client_id,
          consumerSecret: client.client_secret,
          signatureMethod: auth.signatureMethod,
          oauthParams: { oauth_callback: callback, ...auth.requestParams },
        }),
      },
      // Signed with the consumer secret: never re-sent to wherever a redirect points.
      redirect: 'manual',
      signal: AbortSignal.timeout(15_000),
    }).catch(() => undefined);
    const body = response ? new URLSearchParams(await response.text()) : undefined;
    const token = body?.get('oauth_token');
    const secret = body?.get('oauth_token_secret');
    if (!response?.ok || !token || !secret)
      throw new ApiError('oauth_error', 502, `${attempt.provider.displayName} did not issue a request token`);
    await createOAuthSession(
      deps.db,
      deps.config,
      { ...base, kind: 'OAUTH1', oauth1RequestToken: { token, secret } },
      state,
    );
    const url = new URL(
      resolveUrl(auth.authorizationUrl, attempt, attempt.connectionConfig, deps.config, 'authorization URL'),
    );
    url.searchParams.set('oauth_token', token);
    for (const [k, v] of Object.entries(auth.authorizationParams)) url.searchParams.set(k, v);
    return { redirectUrl: url.toString(), binding: { state, value: bindingValue } };
  }

  if (auth.mode === 'APP') {
    const app = await readIntegrationCredentials(deps.config, attempt.scope.environment, attempt.integration);
    if (!app || (app.type !== 'APP' && app.type !== 'CUSTOM'))
      throw new ApiError(
        'missing_credentials',
        400,
        `The integration "${attempt.integration.uniqueKey}" has no app id, link and private key`,
      );
    const connectionConfig = { ...attempt.connectionConfig, appPublicLink: app.app_link.replace(/\/+$/, '') };
    const state = await createOAuthSession(deps.db, deps.config, { ...base, kind: 'APP', connectionConfig });
    const url = new URL(resolveUrl(auth.installUrl, attempt, connectionConfig, deps.config, 'install URL'));
    url.searchParams.set('state', state);
    return { redirectUrl: url.toString(), binding: { state, value: bindingValue } };
  }
  throw new ApiError('wrong_auth_mode', 400, `"${params.integrationKey}" does not use a popup flow`);
}

export type CallbackParams = {
  query: URLSearchParams;
  /** Reads the binding cookie for a state. */
  cookie: (state: string) => string | undefined;
};

/**
 * `GET /oauth/callback` (and the app-install setup URL): checks state and the browser binding,
 * exchanges the code, stores the connection, and tells the waiting page.
 */
export async function completePopupFlow(deps: Deps, params: CallbackParams): Promise<PopupOutcome> {
  const state = params.query.get('state');
  if (!state) return failure('invalid_state', 'The sign-in response is missing its state. Start again from the app.');
  const expired = () =>
    failure('invalid_state', 'This sign-in link has expired or was already used. Start again from the app.');
  const session = await peekOAuthSession(deps.db, deps.config, state);
  if (!session) return expired();
  // The browser binding is checked before the state is used up: a request from elsewhere (a leaked
  // or guessed link) must not burn the state of the user who is signing in.
  const cookie = params.cookie(state);
  if (!cookie || !timingSafeEqualHex(await hashSecretKey(cookie), session.bindingHash))
    return failure(
      'invalid_state',
      'This sign-in was started in another browser. Start again from the app in this browser.',
    );
  if (!(await consumeOAuthSession(deps.db, state))) return expired();
  const outcome = await (async (): Promise<PopupOutcome> => {
    const providerError = params.query.get('error');
    if (providerError)
      return failure(
        providerError === 'access_denied' ? 'window_closed' : 'connection_validation_failed',
        providerError === 'access_denied'
          ? 'Access was not granted.'
          : `The provider reported an error: ${(params.query.get('error_description') ?? providerError).slice(0, 200)}`,
      );
    try {
      return await finishAttempt(deps, session, params.query);
    } catch (err) {
      if (err instanceof ApiError) return failure('connection_validation_failed', err.message);
      throw err;
    }
  })();
  await notifyAttempt(
    deps.env,
    session.wsClientId,
    outcome.ok
      ? {
          message_type: 'success',
          provider_config_key: outcome.providerConfigKey,
          connection_id: outcome.connectionId,
          is_pending: false,
        }
      : { message_type: 'error', error_type: outcome.errorType, error_desc: outcome.message },
  );
  return outcome;
}

function failure(errorType: string, message: string): PopupOutcome {
  return { ok: false, errorType, message };
}

async function finishAttempt(deps: Deps, session: OAuthSessionPayload, query: URLSearchParams): Promise<PopupOutcome> {
  const environment = await findEnvironmentById(deps.db, session.environmentId);
  const integration = await findIntegrationById(deps.db, session.integrationId);
  if (!environment || !integration)
    return failure('unknown_error', 'The integration was removed while you were signing in.');
  const scope = { ...deps, environment };
  const resolved = await resolveIntegration(scope, integration.uniqueKey);
  const auth = resolved.provider.auth;
  const settings = (await findConnectSessionSettings(deps.db, deps.config, session.connectSessionId)) ?? {};
  let credentials: ConnectionCredentials;
  const connectionConfig = { ...session.connectionConfig };
  const now = Date.now();

  if (session.kind === 'OAUTH2' && auth.mode === 'OAUTH2') {
    const code = query.get('code');
    if (!code) return failure('connection_validation_failed', 'The provider did not return an authorization code.');
    const client = session.clientOverride ?? (await readClient(deps, environment, integration));
    const tokenUrl = resolveUrl(auth.tokenUrl, resolved, connectionConfig, deps.config, 'token URL');
    const result = await requestToken({
      tokenUrl,
      auth,
      clientId: client.client_id,
      clientSecret: client.client_secret,
      params: {
        grant_type: 'authorization_code',
        code,
        redirect_uri: session.redirectUri,
        ...(session.codeVerifier ? { code_verifier: session.codeVerifier } : {}),
        ...auth.tokenParams,
      },
      mode: deps.config.mode,
    });
    if (!result.ok)
      return failure('connection_validation_failed', `The provider refused the sign-in: ${result.message}`);
    const oauth = toOAuth2Credentials(result.body, auth, now);
    if (!oauth) return failure('connection_validation_failed', 'The provider answered without an access token.');
    if (session.clientOverride) oauth.client_override = session.clientOverride;
    credentials = oauth;
    Object.assign(connectionConfig, tokenResponseMetadata(result.body, auth.tokenResponseMetadata));
    for (const field of auth.callbackMetadata) {
      const value = query.get(field);
      if (value) connectionConfig[field] = value;
    }
  } else if (session.kind === 'OAUTH1' && auth.mode === 'OAUTH1' && session.oauth1RequestToken) {
    const verifier = query.get('oauth_verifier');
    if (!verifier || query.get('oauth_token') !== session.oauth1RequestToken.token)
      return failure('connection_validation_failed', 'The provider did not confirm the sign-in.');
    const client = await readClient(deps, environment, integration);
    const url = resolveUrl(auth.accessTokenUrl, resolved, connectionConfig, deps.config, 'access token URL');
    const response = await fetch(url, {
      method: auth.tokenHttpMethod,
      headers: {
        authorization: await authorizationHeader({
          method: auth.tokenHttpMethod,
          url,
          consumerKey: client.client_id,
          consumerSecret: client.client_secret,
          token: session.oauth1RequestToken.token,
          tokenSecret: session.oauth1RequestToken.secret,
          signatureMethod: auth.signatureMethod,
          oauthParams: { oauth_verifier: verifier },
        }),
      },
      // Signed with the consumer secret: never re-sent to wherever a redirect points.
      redirect: 'manual',
      signal: AbortSignal.timeout(15_000),
    }).catch(() => undefined);
    const body = response ? Object.fromEntries(new URLSearchParams(await response.text())) : {};
    if (!response?.ok || !body.oauth_token || !body.oauth_token_secret)
      return failure('connection_validation_failed', 'The provider did not issue an access token.');
    credentials = {
      type: 'OAUTH1',
      oauth_token: body.oauth_token,
      oauth_token_secret: body.oauth_token_secret,
      raw: body,
    };
  } else if (session.kind === 'APP' && auth.mode === 'APP') {
    const installationId = query.get('installation_id');
    if (!installationId || !/^\d+$/.test(installationId))
      return failure('connection_validation_failed', 'The app was not installed.');
    connectionConfig.installation_id = installationId;
    const result = await installationToken({
      provider: resolved.provider,
      integrationCredentials: await readIntegrationCredentials(deps.config, environment, integration),
      connectionConfig,
      mode: deps.config.mode,
      allowCustomHosts: allowsCustomHosts(integration.integrationConfig),
      nowMs: now,
    });
    if (!result.ok)
      return failure('connection_validation_failed', `Could not get an installation token: ${result.message}`);
    credentials = result.credentials;
  } else {
    return failure('unknown_error', 'The integration changed while you were signing in. Start again.');
  }

  await saveConnection(scope, {
    resolved,
    connectionId: session.connectionId,
    credentials,
    connectionConfig,
    tags: settings.tags,
    endUser: settings.end_user ?? null,
    webhookUrlOverride: settings.webhook_url_override ?? null,
  });
  return { ok: true, providerConfigKey: integration.uniqueKey, connectionId: session.connectionId };
}

async function readClient(deps: Deps, environment: { uuid: string }, integration: { credentialsEnc: string | null }) {
  const stored = await readIntegrationCredentials(deps.config, environment, integration);
  if (!stored || !('client_id' in stored))
    throw new ApiError('missing_credentials', 400, 'The integration has no OAuth client');
  return { client_id: stored.client_id, client_secret: stored.client_secret };
}

export type CredentialFlowParams = {
  sessionToken: string | undefined;
  integrationKey: string;
  connectionConfig: Record<string, string>;
  body: Record<string, unknown>;
};

function requireString(body: Record<string, unknown>, name: string, label: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value === '')
    throw new ApiError('missing_credentials', 400, `${label} is required`, [
      { code: 'custom', path: [name], message: `${label} is required` },
    ]);
  if (value.length > 4096) throw new ApiError('invalid_body', 400, `${label} is too long`);
  return value;
}

/**
 * The non-popup flows (`/api-auth/api-key`, `/api-auth/basic`, `/oauth2/auth`, `/auth/jwt`,
 * `/auth/unauthenticated`): validate what the user typed, prove it works where the provider allows,
 * and store the connection.
 */
export async function credentialFlow(
  deps: Deps,
  kind: 'API_KEY' | 'BASIC' | 'OAUTH2_CC' | 'JWT' | 'NONE',
  params: CredentialFlowParams,
): Promise<{ providerConfigKey: string; connectionId: string; isPending: false }> {
  const attempt = await startAttempt(deps, {
    sessionToken: params.sessionToken,
    integrationKey: params.integrationKey,
    modes: [kind],
    connectionConfig: params.connectionConfig,
    requireUserFields: true,
  });
  const { provider } = attempt;
  let credentials: ConnectionCredentials;
  const now = Date.now();
  switch (kind) {
    case 'API_KEY':
      credentials = { type: 'API_KEY', apiKey: requireString(params.body, 'apiKey', 'API key') };
      break;
    case 'BASIC': {
      const username = typeof params.body.username === 'string' ? params.body.username : '';
      const password = typeof params.body.password === 'string' ? params.body.password : '';
      if (!username && !password) throw new ApiError('missing_credentials', 400, 'A username or password is required');
      credentials = { type: 'BASIC', username, password };
      break;
    }
    case 'OAUTH2_CC': {
      const result = await clientCredentialsToken({
        provider,
        integrationCredentials: null,
        connectionConfig: attempt.connectionConfig,
        clientId: requireString(params.body, 'client_id', 'Client ID'),
        clientSecret: requireString(params.body, 'client_secret', 'Client secret'),
        mode: deps.config.mode,
        allowCustomHosts: allowsCustomHosts(attempt.integration.integrationConfig),
        nowMs: now,
      });
      if (!result.ok)
        throw new ApiError(
          'connection_test_failed',
          400,
          `${provider.displayName} did not accept these client credentials: ${result.message}`,
        );
      credentials = result.credentials;
      Object.assign(attempt.connectionConfig, result.connectionConfig);
      break;
    }
    case 'JWT': {
      const fields: Record<string, string> = {};
      if (provider.auth.mode === 'JWT')
        for (const [name, field] of Object.entries(provider.auth.credentials)) {
          const value = params.body[name];
          if (typeof value === 'string' && value) fields[name] = value;
          else if (!field.optional) requireString(params.body, name, field.title);
        }
      const result = await signProviderJwt(
        {
          provider,
          integrationCredentials: null,
          connectionConfig: attempt.connectionConfig,
          mode: deps.config.mode,
          allowCustomHosts: allowsCustomHosts(attempt.integration.integrationConfig),
          nowMs: now,
        },
        fields,
      );
      if (!result.ok)
        throw new ApiError(
          'connection_test_failed',
          400,
          `These credentials could not sign a token: ${result.message}`,
        );
      credentials = result.credentials;
      break;
    }
    case 'NONE':
      credentials = { type: 'NONE' };
      break;
  }
  if (kind === 'API_KEY' || kind === 'BASIC') {
    const verified = await verifyCredentials(
      provider,
      credentials,
      attempt.connectionConfig,
      deps.config.mode,
      allowsCustomHosts(attempt.integration.integrationConfig),
    );
    if (!verified.ok) throw new ApiError('connection_test_failed', 400, verified.message);
  }
  await saveConnection(attempt.scope, {
    resolved: { integration: attempt.integration, provider },
    connectionId: attempt.connectionId,
    credentials,
    connectionConfig: attempt.connectionConfig,
    tags: attempt.session.settings.tags,
    endUser: attempt.session.settings.end_user ?? null,
    webhookUrlOverride: attempt.session.settings.webhook_url_override ?? null,
  });
  return { providerConfigKey: attempt.integration.uniqueKey, connectionId: attempt.connectionId, isPending: false };
}
