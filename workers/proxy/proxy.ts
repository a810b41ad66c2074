import { connectionStub } from '../../durable-objects/connection-name.js';
import type { CallPermit } from '../../durable-objects/connection-types.js';
import type { ProviderDefinition } from '../../sdk/contract/provider-definition.js';
import { PROXY_RESPONSE_HEADERS } from '../../sdk/contract/proxy.js';
import { accessTokenOf, type ConnectionCredentials } from '../auth/credentials.js';
import { authorizationHeader } from '../auth/oauth1-signature.js';
import { toPkcs8Pem } from '../auth/renew.js';
import type { PierConfig } from '../config.js';
import { credentialsUnavailable } from '../connections/service.js';
import { findConnectionByKeys } from '../connections/store.js';
import type { Db } from '../db/client.js';
import type { ConnectionRow, EnvironmentRow, IntegrationRow } from '../db/schema.js';
import { ApiError, retryAfterHeader } from '../http/api-error.js';
import { readIntegrationCredentials } from '../integrations/service.js';
import { findIntegrationRow } from '../integrations/store.js';
import { queueOperation } from '../logs/service.js';
import type { NewOperation } from '../logs/store.js';
import { checkOutboundUrl } from '../net/outbound-policy.js';
import { builtinProviders } from '../providers/builtin.js';
import { allowsCustomHosts } from '../providers/provider-url.js';
import { authorizeRequest, joinUrl } from './authorize-request.js';
import { HOP_BY_HOP, type ProxyOptions, readProxyOptions } from './options.js';
import { redactPathAndQuery } from './redact.js';
import { type ProxyBody, readProxyBody, tooLarge } from './request-body.js';
import {
  hasSignal,
  isRetryableStatus,
  type RateLimitRules,
  type RateLimitSignal,
  readRateLimitSignal,
  retryBudget,
  retryDelayMs,
} from './retry-policy.js';
import { recentTargets, targetKey } from './target-cache.js';

/**
 * `ANY /proxy/*`: one call to a provider's API as a connected user. Credentials come from the
 * connection's Durable Object and are applied per the catalog; the call waits for (or refuses on)
 * the connection's rate-limit budget, follows only safe redirects, retries what is safe to retry,
 * refreshes once on a 401, streams the answer back and leaves one line in the operations log.
 */

export type ProxyDeps = {
  env: Env;
  config: PierConfig;
  db: Db;
  environment: EnvironmentRow;
  requestId: string;
  waitUntil(promise: Promise<unknown>): void;
};

export const MAX_REDIRECTS = 5;
/** Time allowed for the provider to start answering (the body may then take as long as it takes). */
export const UPSTREAM_HEADERS_TIMEOUT_MS = 60_000;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const NULL_BODY = new Set([101, 204, 205, 304]);

type Target = {
  connection: ConnectionRow;
  integration: IntegrationRow;
  provider: ProviderDefinition;
  connectionConfig: Record<string, string>;
};

/** The log line being filled in as the call proceeds; written once, when the response is done. */
type LogLine = Omit<NewOperation, 'createdAt' | 'durationMs'>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function handleProxy(deps: ProxyDeps, request: Request): Promise<Response> {
  const started = Date.now();
  const url = new URL(request.url);
  const rawPath = request.url.slice(url.origin.length).replace(/^\/proxy(?=\/|\?|$)/, '');
  const line: LogLine = {
    environmentId: deps.environment.id,
    type: 'proxy',
    outcome: 'failure',
    connectionId: request.headers.get('connection-id'),
    integrationKey: request.headers.get('provider-config-key'),
    provider: null,
    method: request.method,
    path: redactPathAndQuery(rawPath || '/', []),
    status: null,
    retries: 0,
    bytes: null,
    errorCode: null,
    message: null,
    requestId: deps.requestId,
  };
  const write = () =>
    queueOperation(
      deps.db,
      { ...line, createdAt: new Date(started).toISOString(), durationMs: Date.now() - started },
      deps.waitUntil,
    );
  try {
    const options = readProxyOptions(request.headers);
    const target = await resolveTarget(deps, options);
    line.provider = target.integration.provider;
    return await forward(deps, request, rawPath, options, target, line, write);
  } catch (err) {
    if (err instanceof ApiError) {
      line.status = err.status;
      line.errorCode = err.code;
      line.message = err.message;
    } else {
      line.status = 500;
      line.errorCode = 'internal_error';
      line.message = 'Unexpected error in the proxy';
    }
    write();
    throw err;
  }
}

async function resolveTarget(deps: ProxyDeps, options: ProxyOptions): Promise<Target> {
  const environmentId = deps.environment.id;
  const cacheKey = targetKey(environmentId, options.integrationKey, options.connectionId);
  let found = recentTargets.get(cacheKey);
  if (!found) {
    found = await findConnectionByKeys(deps.db, environmentId, options.integrationKey, options.connectionId);
    if (found) recentTargets.set(cacheKey, found);
  }
  if (!found) {
    const integration = await findIntegrationRow(deps.db, deps.environment.id, options.integrationKey);
    if (!integration)
      throw new ApiError(
        'unknown_provider_config',
        404,
        `No integration "${options.integrationKey}" in this environment`,
      );
    throw new ApiError(
      'unknown_connection',
      404,
      `No connection "${options.connectionId}" for integration "${options.integrationKey}"`,
    );
  }
  const provider =
    builtinProviders().get(found.integration.provider) ??
    (found.customDefinition ? (JSON.parse(found.customDefinition) as ProviderDefinition) : undefined);
  if (!provider)
    throw new ApiError('unknown_provider', 400, `The provider "${found.integration.provider}" no longer exists`);
  return {
    connection: found.connection,
    integration: found.integration,
    provider,
    connectionConfig: JSON.parse(found.connection.connectionConfig) as Record<string, string>,
  };
}

function rateLimited(retryAtMs: number): ApiError {
  const header = retryAfterHeader(retryAtMs);
  return new ApiError(
    'rate_limited',
    429,
    `This connection's rate limit at the provider is spent; it resets in ${header['Retry-After']} s`,
    undefined,
    header,
  );
}

/** Everything the provider needs to see, for one attempt at one URL. */
type Outgoing = { url: URL; method: string; headers: Record<string, string>; body: ProxyBody };

async function forward(
  deps: ProxyDeps,
  request: Request,
  rawPath: string,
  options: ProxyOptions,
  target: Target,
  line: LogLine,
  write: () => void,
): Promise<Response> {
  const stub = connectionStub(deps.env, {
    environmentId: deps.environment.id,
    integrationId: target.integration.id,
    connectionId: target.connection.connectionId,
  });
  const rules: RateLimitRules | undefined = target.provider.api?.rateLimit;
  let waitedMs = 0;
  /** Waits out the connection's rate-limit block while the caller's wait allows, else answers 429. */
  const waitForTurn = async (ask: () => Promise<CallPermit | { ok: true }>) => {
    for (;;) {
      const permit = await ask();
      if (permit.ok) return permit;
      const wait = Math.max(0, permit.retryAtMs - Date.now());
      if (waitedMs + wait > options.maxWaitMs) throw rateLimited(permit.retryAtMs);
      waitedMs += wait;
      await sleep(wait);
    }
  };

  const permit = (await waitForTurn(() => stub.beginCall())) as Extract<CallPermit, { ok: true }>;
  if (!permit.token.ok) throw credentialsUnavailable(permit.token);
  let credentials = permit.token.credentials;

  const body = await readProxyBody(request);
  const replayable = body.kind !== 'stream';
  const secrets = secretValues(credentials);
  line.path = redactPathAndQuery(rawPath || '/', secrets);

  const budget = retryBudget(request.method, options.retries);
  const decompress = options.decompress ?? target.provider.api?.decompress ?? false;
  let refreshedAfter401 = false;
  let attempt = 0;
  // The integration's OAuth 1 consumer secret, decrypted once per call however many attempts and hops.
  let consumer: ReturnType<typeof readIntegrationCredentials> | undefined;
  const oauth1Client = () =>
    (consumer ??= readIntegrationCredentials(deps.config, deps.environment, target.integration));
  /** Waits before the next attempt when one is allowed (budget, replayable body, caller's wait); false otherwise. */
  const backOff = async (signal: RateLimitSignal, nowMs: number, discard?: Response): Promise<boolean> => {
    if (attempt >= budget || !replayable) return false;
    const delay = retryDelayMs({ attempt, signal, nowMs, random: Math.random });
    if (waitedMs + delay > options.maxWaitMs) return false;
    await discard?.body?.cancel();
    waitedMs += delay;
    await sleep(delay);
    attempt++;
    line.retries = attempt;
    return true;
  };
  for (;;) {
    // Built per attempt: after a refresh, the new token may belong in the query as well as a header.
    const current = authorize(target, credentials, options, rawPath, deps.config.mode);
    const outgoing: Outgoing = {
      url: current.url,
      method: request.method,
      headers: { ...current.headers, ...options.forwardedHeaders },
      body,
    };
    let response: Response | undefined;
    let failure: 'timeout' | 'network' | undefined;
    try {
      response = await sendFollowingRedirects(deps, outgoing, {
        sign: (o) => signOAuth1(target, credentials, o, oauth1Client),
        credentialHeaders: Object.keys(current.headers),
        forwardCredentials: options.forwardHeadersOnRedirect,
      });
    } catch (err) {
      if (err instanceof ApiError) throw err;
      if (body.kind === 'stream' && body.overLimit.aborted) throw tooLarge();
      failure = (err as Error)?.name === 'TimeoutError' ? 'timeout' : 'network';
    }

    if (response) {
      const now = Date.now();
      const signal = readRateLimitSignal(response.headers, rules, now);
      if (response.status === 429 || hasSignal(signal)) {
        const learned = stub.observeRateLimit({ status: response.status, ...signal });
        if (response.status === 429) await learned;
        else deps.waitUntil(learned);
      }

      const token = accessTokenOf(credentials);
      if (response.status === 401 && !refreshedAfter401 && token !== undefined && replayable) {
        refreshedAfter401 = true;
        const fresh = await stub.getToken({ staleAccessToken: token });
        if (fresh.ok && accessTokenOf(fresh.credentials) !== token) {
          await response.body?.cancel();
          credentials = fresh.credentials;
          continue;
        }
      }

      if (isRetryableStatus(response.status, rules, options.retryOn) && (await backOff(signal, now, response))) {
        await waitForTurn(() => stub.admitRetry());
        continue;
      }
      return respond(deps, response, { decompress, retries: attempt, line, write });
    }

    if (await backOff({ remaining: null, resetAtMs: null, retryAtMs: null }, Date.now())) continue;
    throw failure === 'timeout'
      ? new ApiError(
          'upstream_timeout',
          504,
          `${target.provider.displayName} did not answer within ${UPSTREAM_HEADERS_TIMEOUT_MS / 1000} s`,
        )
      : new ApiError('upstream_unreachable', 502, `${target.provider.displayName} could not be reached`);
  }
}

function forbiddenAddress(hop: number): ApiError {
  return new ApiError(
    'forbidden_url',
    403,
    hop === 0
      ? 'The provider address resolves to a private, loopback or metadata host, which the proxy does not call'
      : 'The provider redirected to a private, loopback or metadata host; the redirect was not followed',
  );
}

/** The upstream URL and the credential headers for the connection, per the catalog. */
function authorize(
  target: Target,
  credentials: ConnectionCredentials,
  options: ProxyOptions,
  rawPath: string,
  mode: 'development' | 'production',
): { url: URL; headers: Record<string, string> } {
  const result = authorizeRequest(target.provider, credentials, target.connectionConfig, {
    mode,
    allowCustomHosts: allowsCustomHosts(target.integration.integrationConfig),
    baseUrlOverride: options.baseUrlOverride,
  });
  if (!result.ok) {
    if (result.forbidden) throw forbiddenAddress(0);
    const fields = [...result.missing, ...result.invalid];
    throw new ApiError(
      'invalid_connection_config',
      400,
      result.invalid.length > 0
        ? `Connection values not allowed in the provider's address: ${result.invalid.join(', ')}`
        : `The provider's address or headers need values this connection lacks: ${fields.join(', ')}`,
      fields.map((f) => ({ code: 'invalid_value', path: f.split('.'), message: `${f} is missing or invalid` })),
    );
  }
  const { baseUrl, query, headers } = result.request;
  try {
    return { url: joinUrl(baseUrl, rawPath, query), headers };
  } catch {
    throw new ApiError('invalid_connection_config', 400, 'The provider address is not a valid URL');
  }
}

/** Credential values that must never appear in a log line, even if the caller put them in the path. */
function secretValues(credentials: ConnectionCredentials): string[] {
  switch (credentials.type) {
    case 'OAUTH2':
      return [credentials.access_token, credentials.refresh_token ?? ''];
    case 'OAUTH2_CC':
      return [credentials.token, credentials.client_secret];
    case 'OAUTH1':
      return [credentials.oauth_token, credentials.oauth_token_secret];
    case 'API_KEY':
      return [credentials.apiKey];
    case 'BASIC':
      return [credentials.password];
    case 'APP':
      return [credentials.access_token];
    case 'JWT':
      return [credentials.token, ...Object.values(credentials.fields)];
    default:
      return [];
  }
}

async function signOAuth1(
  target: Target,
  credentials: ConnectionCredentials,
  outgoing: Outgoing,
  readClient: () => ReturnType<typeof readIntegrationCredentials>,
): Promise<Record<string, string>> {
  const auth = target.provider.auth;
  if (credentials.type !== 'OAUTH1' || auth.mode !== 'OAUTH1') return outgoing.headers;
  const client = await readClient();
  if (!client || !('client_secret' in client) || !('client_id' in client))
    throw new ApiError('missing_credentials', 400, 'The integration has no OAuth 1 consumer key and secret');
  const contentType = outgoing.headers['content-type'] ?? '';
  const bodyParams =
    outgoing.body.kind === 'bytes' && contentType.startsWith('application/x-www-form-urlencoded')
      ? Object.fromEntries(new URLSearchParams(new TextDecoder().decode(outgoing.body.bytes)))
      : undefined;
  const consumerSecret =
    auth.signatureMethod === 'RSA-SHA1' ? toPkcs8Pem(String(client.client_secret)) : String(client.client_secret);
  return {
    ...outgoing.headers,
    authorization: await authorizationHeader({
      method: outgoing.method,
      url: outgoing.url.toString(),
      consumerKey: String(client.client_id),
      consumerSecret,
      token: credentials.oauth_token,
      tokenSecret: credentials.oauth_token_secret,
      signatureMethod: auth.signatureMethod,
      bodyParams,
    }),
  };
}

/**
 * Sends one attempt, following redirects by hand: every hop is checked against the outbound policy,
 * 303 (and 301/302 after a POST) become GETs, 307/308 resend the body only when it was held in
 * memory, and credentials stay behind when a hop leaves the original origin unless the caller
 * asked to forward them.
 */
async function sendFollowingRedirects(
  deps: ProxyDeps,
  first: Outgoing,
  how: {
    sign: (o: Outgoing) => Promise<Record<string, string>>;
    credentialHeaders: string[];
    forwardCredentials: boolean;
  },
): Promise<Response> {
  let outgoing = first;
  let withCredentials = true;
  const origin = first.url.origin;
  for (let hop = 0; ; hop++) {
    const check = checkOutboundUrl(outgoing.url.toString(), deps.config.mode);
    if (!check.ok) throw forbiddenAddress(hop);
    const headers = withCredentials ? await how.sign(outgoing) : outgoing.headers;
    const response = await fetchWithTimeout(
      outgoing.url,
      { method: outgoing.method, headers, body: bodyInit(outgoing.body), redirect: 'manual' },
      outgoing.body.kind === 'stream' ? outgoing.body.overLimit : undefined,
    );
    const location = response.headers.get('location');
    if (!REDIRECTS.has(response.status) || !location) return response;
    if (hop >= MAX_REDIRECTS) {
      await response.body?.cancel();
      throw new ApiError('upstream_error', 502, `The provider redirected more than ${MAX_REDIRECTS} times`);
    }
    let next: URL;
    try {
      next = new URL(location, outgoing.url);
    } catch {
      return response;
    }
    const toGet =
      (response.status === 303 && outgoing.method !== 'HEAD') ||
      ((response.status === 301 || response.status === 302) && outgoing.method === 'POST');
    if (!toGet && outgoing.body.kind === 'stream') return response;
    await response.body?.cancel();
    let nextHeaders = { ...outgoing.headers };
    if (toGet) {
      delete nextHeaders['content-type'];
    }
    if (next.origin !== origin && !how.forwardCredentials) {
      withCredentials = false;
      nextHeaders = Object.fromEntries(
        Object.entries(nextHeaders).filter(([k]) => k !== 'authorization' && !how.credentialHeaders.includes(k)),
      );
    }
    outgoing = {
      url: next,
      method: toGet ? 'GET' : outgoing.method,
      headers: nextHeaders,
      body: toGet ? { kind: 'none' } : outgoing.body,
    };
  }
}

function bodyInit(body: ProxyBody): BodyInit | null {
  if (body.kind === 'bytes') return body.bytes;
  if (body.kind === 'stream') return body.stream;
  return null;
}

async function fetchWithTimeout(url: URL, init: RequestInit, cancel?: AbortSignal): Promise<Response> {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException('The provider did not answer in time', 'TimeoutError')),
    UPSTREAM_HEADERS_TIMEOUT_MS,
  );
  cancel?.addEventListener('abort', () => controller.abort(cancel.reason), { once: true });
  try {
    return await fetch(url, { ...init, signal: controller.signal });
  } finally {
    clearTimeout(timer);
  }
}

const STRIPPED_RESPONSE_HEADERS = new Set([...HOP_BY_HOP, 'set-cookie', 'alt-svc', 'strict-transport-security']);

/** The provider's answer, streamed back: status and headers as sent, minus hop-by-hop ones and cookies. */
function respond(
  deps: ProxyDeps,
  upstream: Response,
  how: { decompress: boolean; retries: number; line: LogLine; write: () => void },
): Response {
  const headers = new Headers();
  for (const [name, value] of upstream.headers) if (!STRIPPED_RESPONSE_HEADERS.has(name)) headers.append(name, value);
  const encoded = upstream.headers.has('content-encoding');
  const length = upstream.headers.get('content-length');
  if (encoded && how.decompress) headers.delete('content-encoding');
  if (length !== null && !encoded) headers.set('content-length', length);
  headers.set(PROXY_RESPONSE_HEADERS.retries, String(how.retries));
  const { line } = how;
  line.status = upstream.status;
  line.outcome = upstream.status < 400 ? 'success' : 'failure';
  if (upstream.status >= 400) line.errorCode = 'upstream_status';

  if (!upstream.body || NULL_BODY.has(upstream.status)) {
    line.bytes = 0;
    how.write();
    return new Response(null, { status: upstream.status, headers });
  }
  if (length !== null && !encoded) {
    line.bytes = Number(length);
    how.write();
    return new Response(upstream.body, { status: upstream.status, headers });
  }
  // Unknown length: count the bytes as they pass and write the log line when the body ends.
  let bytes = 0;
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      bytes += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  deps.waitUntil(
    upstream.body.pipeTo(counter.writable).then(
      () => {
        line.bytes = bytes;
        how.write();
      },
      () => {
        line.bytes = bytes;
        line.outcome = 'failure';
        line.errorCode = 'response_aborted';
        line.message = 'The response body was not delivered in full';
        how.write();
      },
    ),
  );
  return new Response(counter.readable, { status: upstream.status, headers });
}
