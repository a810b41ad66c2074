import type { z } from 'zod';
import type { ConnectionFull, ConnectionSummary, importConnectionBodySchema } from './contract/connections.js';
import type {
  apiKeySchema,
  apiKeyWithSecretSchema,
  createApiKeyBodySchema,
  createEnvironmentBodySchema,
  Environment,
  updateEnvironmentBodySchema,
} from './contract/environments.js';
import { errorBodySchema } from './contract/errors.js';
import type { DeployedFunction, FunctionType } from './contract/functions.js';
import type {
  createIntegrationBodySchema,
  Integration,
  IntegrationFull,
  updateIntegrationBodySchema,
} from './contract/integrations.js';
import type { ProviderDefinitionInput } from './contract/provider-definition.js';
import type { WireProvider } from './contract/providers.js';
import type { listLogsQuerySchema, listLogsResponseSchema } from './contract/proxy.js';
import type {
  listWebhookDeliveriesQuerySchema,
  listWebhookDeliveriesResponseSchema,
  replayWebhookDeliveriesBodySchema,
  sendTestWebhookResponseSchema,
} from './contract/webhooks.js';
import { PierError } from './errors.js';
import { type PaginateConfig, pagesThroughProxy } from './paginate.js';
import {
  buildProxyRequest,
  type PaginatedProxyConfig,
  type ProxyConfig,
  type ProxyResponse,
  readProxyResponse,
} from './proxy.js';

export type PierOptions = {
  /** An environment secret key (`pier_sk_…`). */
  secretKey: string;
  /** Base URL of the Pier API, e.g. `http://127.0.0.1:3003`. */
  host: string;
  /** Replaces global fetch (tests, custom agents). */
  fetch?: typeof fetch;
};

type Json = Record<string, unknown>;

/**
 * The backend client. Request and response types come from the same zod contract the server validates with.
 *
 * @example
 * const pier = new Pier({ secretKey: process.env.PIER_SECRET_KEY!, host: 'http://127.0.0.1:3003' });
 * await pier.createIntegration({ unique_key: 'github', provider: 'github' });
 */
export class Pier {
  readonly #secretKey: string;
  readonly #host: string;
  readonly #fetch: typeof fetch;

  constructor(options: PierOptions) {
    if (!options.secretKey) throw new TypeError('Pier: secretKey is required');
    if (!/^https?:\/\//.test(options.host)) throw new TypeError('Pier: host must be an http(s) URL');
    this.#secretKey = options.secretKey;
    this.#host = options.host.replace(/\/+$/, '');
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  async #request<T>(
    method: string,
    path: string,
    /** Query values are sent as strings; undefined ones are left out. */
    options: {
      body?: unknown;
      query?: Record<string, string | number | boolean | undefined>;
      headers?: Record<string, string>;
    } = {},
  ): Promise<T> {
    const url = new URL(this.#host + path);
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = {
      ...options.headers,
      authorization: `Bearer ${this.#secretKey}`,
      accept: 'application/json',
    };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await this.#fetch(url, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    const payload: unknown = text ? safeJson(text) : undefined;
    if (!response.ok) {
      const parsed = errorBodySchema.safeParse(payload);
      const requestId = response.headers.get('x-request-id') ?? undefined;
      if (parsed.success)
        throw new PierError(
          response.status,
          parsed.data.error.code,
          parsed.data.error.message ?? parsed.data.error.code,
          parsed.data.error.errors,
          requestId,
          { payload: parsed.data.error.payload, upstream: parsed.data.error.upstream },
        );
      throw new PierError(
        response.status,
        'http_error',
        `HTTP ${response.status} from ${method} ${path}`,
        [],
        requestId,
      );
    }
    return payload as T;
  }

  // Providers

  /** @example const providers = await pier.listProviders({ search: 'crm' }) */
  async listProviders(options: { search?: string } = {}): Promise<WireProvider[]> {
    const query: Record<string, string> = options.search ? { search: options.search } : {};
    return (await this.#request<{ data: WireProvider[] }>('GET', '/providers', { query })).data;
  }

  /** @example const github = await pier.getProvider('github') */
  async getProvider(name: string): Promise<WireProvider> {
    return (await this.#request<{ data: WireProvider }>('GET', `/providers/${encodeURIComponent(name)}`)).data;
  }

  /** Adds a custom provider, in Pier's format or the reference catalog's field names. */
  async createProvider(definition: ProviderDefinitionInput | WireProvider): Promise<WireProvider> {
    return (await this.#request<{ data: WireProvider }>('POST', '/providers', { body: definition })).data;
  }

  /** @example await pier.replaceProvider('my-api', { ...definition, displayName: 'My API v2' }) */
  async replaceProvider(name: string, definition: ProviderDefinitionInput | WireProvider): Promise<WireProvider> {
    return (
      await this.#request<{ data: WireProvider }>('PUT', `/providers/${encodeURIComponent(name)}`, { body: definition })
    ).data;
  }

  /** @example await pier.deleteProvider('my-api') */
  async deleteProvider(name: string): Promise<void> {
    await this.#request('DELETE', `/providers/${encodeURIComponent(name)}`);
  }

  // Integrations

  /** @example const integrations = await pier.listIntegrations() */
  async listIntegrations(): Promise<Integration[]> {
    return (await this.#request<{ data: Integration[] }>('GET', '/integrations')).data;
  }

  /** @example await pier.getIntegration('github', { include: ['credentials'] }) */
  async getIntegration(
    uniqueKey: string,
    options: { include?: ('webhook' | 'credentials')[] } = {},
  ): Promise<IntegrationFull> {
    const query: Record<string, string> = options.include?.length ? { include: options.include.join(',') } : {};
    return (
      await this.#request<{ data: IntegrationFull }>('GET', `/integrations/${encodeURIComponent(uniqueKey)}`, { query })
    ).data;
  }

  /** @example await pier.createIntegration({ unique_key: 'github', provider: 'github', credentials: { type: 'OAUTH2', client_id, client_secret } }) */
  async createIntegration(input: z.input<typeof createIntegrationBodySchema>): Promise<Integration> {
    return (await this.#request<{ data: Integration }>('POST', '/integrations', { body: input })).data;
  }

  /** @example await pier.updateIntegration('github', { display_name: 'GitHub (prod)' }) */
  async updateIntegration(uniqueKey: string, input: z.input<typeof updateIntegrationBodySchema>): Promise<Integration> {
    return (
      await this.#request<{ data: Integration }>('PATCH', `/integrations/${encodeURIComponent(uniqueKey)}`, {
        body: input,
      })
    ).data;
  }

  /** @example await pier.deleteIntegration('github') */
  async deleteIntegration(uniqueKey: string): Promise<void> {
    await this.#request('DELETE', `/integrations/${encodeURIComponent(uniqueKey)}`);
  }

  // Environments and keys

  /** The environment the secret key belongs to. */
  async getEnvironment(): Promise<Environment> {
    return (await this.#request<{ data: Environment }>('GET', '/environment')).data;
  }

  /** @example await pier.updateEnvironment({ webhook_settings: { primary_url: 'https://app.example.com/hooks' } }) */
  async updateEnvironment(input: z.input<typeof updateEnvironmentBodySchema>): Promise<Environment> {
    return (await this.#request<{ data: Environment }>('PATCH', '/environment', { body: input })).data;
  }

  /** Returns the new webhook signing key; it is not shown again. */
  async rotateWebhookSigningKey(): Promise<string> {
    return (
      await this.#request<{ data: { webhook_signing_key: string } }>('POST', '/environment/webhook-signing-key/rotate')
    ).data.webhook_signing_key;
  }

  /** Needs a key with the `account:*` scope. */
  async listEnvironments(): Promise<Environment[]> {
    return (await this.#request<{ data: Environment[] }>('GET', '/environments')).data;
  }

  /** @example const { id } = await pier.createEnvironment({ name: 'staging' }) */
  async createEnvironment(input: z.input<typeof createEnvironmentBodySchema>): Promise<{ id: number; name: string }> {
    return (await this.#request<{ data: { id: number; name: string } }>('POST', '/environments', { body: input })).data;
  }

  /** Deletes the environment and everything in it. */
  async deleteEnvironment(environmentId: number): Promise<void> {
    await this.#request('DELETE', `/environments/${environmentId}`);
  }

  /** @example const keys = await pier.listApiKeys(2) */
  async listApiKeys(environmentId?: number): Promise<z.output<typeof apiKeySchema>[]> {
    const query: Record<string, string> = environmentId ? { environment_id: String(environmentId) } : {};
    return (await this.#request<{ data: z.output<typeof apiKeySchema>[] }>('GET', '/environment/api-keys', { query }))
      .data;
  }

  /** The returned `secret` is shown once. */
  async createApiKey(input: z.input<typeof createApiKeyBodySchema>): Promise<z.output<typeof apiKeyWithSecretSchema>> {
    return (
      await this.#request<{ data: z.output<typeof apiKeyWithSecretSchema> }>('POST', '/environment/api-keys', {
        body: input,
      })
    ).data;
  }

  /** Replaces the key's secret; the old one stops working at once. */
  async rotateApiKey(environmentId: number, keyId: number): Promise<z.output<typeof apiKeyWithSecretSchema>> {
    return (
      await this.#request<{ data: z.output<typeof apiKeyWithSecretSchema> }>('POST', '/environment/api-keys/rotate', {
        body: { environment_id: environmentId, key_id: keyId },
      })
    ).data;
  }

  /** @example await pier.deleteApiKey(2, 5) */
  async deleteApiKey(environmentId: number, keyId: number): Promise<void> {
    await this.#request('DELETE', '/environment/api-keys', { body: { environment_id: environmentId, key_id: keyId } });
  }

  // Connections

  /** Imports a connection whose credentials you already hold. @example await pier.importConnection({ provider_config_key: 'openai', connection_id: 'u-1', credentials: { type: 'API_KEY', apiKey } }) */
  async importConnection(input: z.input<typeof importConnectionBodySchema>): Promise<ConnectionFull> {
    return this.#request<ConnectionFull>('POST', '/connections', { body: input });
  }

  /**
   * A connection with valid credentials (refreshed first when needed; `forceRefresh` refreshes now).
   * The refresh token is left out unless `includeRefreshToken`.
   *
   * @example await pier.getConnection('github', 'u-1', { includeRefreshToken: true })
   */
  async getConnection(
    providerConfigKey: string,
    connectionId: string,
    options: { forceRefresh?: boolean; includeRefreshToken?: boolean } = {},
  ): Promise<ConnectionFull> {
    const query: Record<string, string> = { provider_config_key: providerConfigKey };
    if (options.forceRefresh) query.force_refresh = 'true';
    if (options.includeRefreshToken) query.refresh_token = 'true';
    return this.#request<ConnectionFull>('GET', `/connections/${encodeURIComponent(connectionId)}`, { query });
  }

  /** @example const { connections } = await pier.listConnections({ search: 'acme' }) */
  async listConnections(query: Record<string, string | number> = {}): Promise<{ connections: ConnectionSummary[] }> {
    return this.#request('GET', '/connections', { query });
  }

  /** Deletes a connection (revoking its token where the provider supports it). */
  async deleteConnection(providerConfigKey: string, connectionId: string): Promise<void> {
    await this.#request('DELETE', `/connections/${encodeURIComponent(connectionId)}`, {
      query: { provider_config_key: providerConfigKey },
    });
  }

  // Proxy

  /**
   * Calls the provider's API as the connection, through `ANY /proxy/*`. Throws PierError when Pier
   * refuses the call and ProxyUpstreamError when the provider answers 4xx/5xx.
   *
   * @example const { data } = await pier.proxy({ method: 'GET', endpoint: '/user/repos', connectionId: 'u-1', providerConfigKey: 'github' })
   */
  async proxy<T = unknown>(config: ProxyConfig): Promise<ProxyResponse<T>> {
    const { url, init } = buildProxyRequest(this.#host, this.#secretKey, config);
    return readProxyResponse<T>(await this.#fetch(url, init), config);
  }

  /** @example const { data } = await pier.get({ endpoint: '/me', connectionId: 'u-1', providerConfigKey: 'slack' }) */
  get<T = unknown>(config: Omit<ProxyConfig, 'method'>): Promise<ProxyResponse<T>> {
    return this.proxy<T>({ ...config, method: 'GET' });
  }

  /** @example await pier.post({ endpoint: '/chat.postMessage', data: { channel, text }, connectionId, providerConfigKey: 'slack' }) */
  post<T = unknown>(config: Omit<ProxyConfig, 'method'>): Promise<ProxyResponse<T>> {
    return this.proxy<T>({ ...config, method: 'POST' });
  }

  /** @example await pier.put({ endpoint: '/items/1', data: item, connectionId, providerConfigKey }) */
  put<T = unknown>(config: Omit<ProxyConfig, 'method'>): Promise<ProxyResponse<T>> {
    return this.proxy<T>({ ...config, method: 'PUT' });
  }

  /** @example await pier.patch({ endpoint: '/items/1', data: { name }, connectionId, providerConfigKey }) */
  patch<T = unknown>(config: Omit<ProxyConfig, 'method'>): Promise<ProxyResponse<T>> {
    return this.proxy<T>({ ...config, method: 'PATCH' });
  }

  /** @example await pier.delete({ endpoint: '/items/1', connectionId, providerConfigKey }) */
  delete<T = unknown>(config: Omit<ProxyConfig, 'method'>): Promise<ProxyResponse<T>> {
    return this.proxy<T>({ ...config, method: 'DELETE' });
  }

  /**
   * Every page of a paginated endpoint, driven by the provider's catalog entry (`proxy.paginate`)
   * merged with `config.paginate`. Link-header next pages are followed on the provider's host.
   *
   * @example for await (const issues of pier.paginate({ endpoint: '/repos/o/r/issues', connectionId, providerConfigKey: 'github', paginate: { limit: 100 } })) save(issues)
   */
  async *paginate<T = unknown>(config: PaginatedProxyConfig): AsyncGenerator<T[], void, undefined> {
    const catalog = await this.#catalogPagination(config.providerConfigKey);
    const merged: PaginateConfig = { ...catalog, ...config.paginate };
    yield* pagesThroughProxy<T>(config, merged, async (call) => {
      const response = await this.proxy({ ...config, ...call, method: config.method ?? 'GET', responseType: 'json' });
      return { headers: response.headers, data: response.data };
    });
  }

  readonly #paginationByIntegration = new Map<string, Promise<PaginateConfig>>();

  #catalogPagination(integrationKey: string): Promise<PaginateConfig> {
    let found = this.#paginationByIntegration.get(integrationKey);
    if (!found) {
      found = (async () => {
        const integration = await this.getIntegration(integrationKey);
        const provider = await this.getProvider(integration.provider);
        return (provider.proxy?.paginate ?? {}) as PaginateConfig;
      })();
      found.catch(() => this.#paginationByIntegration.delete(integrationKey));
      this.#paginationByIntegration.set(integrationKey, found);
    }
    return found;
  }

  // Logs

  /**
   * The operations log, newest first; pass `next_cursor` back as `cursor` for older entries.
   *
   * @example const { data, next_cursor } = await pier.listLogs({ connection_id: 'u-1', status: 'failure' })
   */
  async listLogs(
    query: Omit<z.input<typeof listLogsQuerySchema>, 'limit'> & { limit?: number } = {},
  ): Promise<z.output<typeof listLogsResponseSchema>> {
    return this.#request('GET', '/logs', { query });
  }

  // Webhooks to the app

  /**
   * The environment's webhook deliveries, newest first: status, attempts, last answer.
   *
   * @example const { data } = await pier.listWebhookDeliveries({ status: 'failed' })
   */
  async listWebhookDeliveries(
    query: Omit<z.input<typeof listWebhookDeliveriesQuerySchema>, 'limit'> & { limit?: number } = {},
  ): Promise<z.output<typeof listWebhookDeliveriesResponseSchema>> {
    return this.#request('GET', '/webhooks/deliveries', { query });
  }

  /**
   * Sends deliveries again with their original event ids: the given ids, or every failed delivery
   * of a time range (all failed ones without one).
   *
   * @example await pier.replayWebhookDeliveries({ from: '2026-11-30T00:00:00Z' })
   */
  async replayWebhookDeliveries(body: z.input<typeof replayWebhookDeliveriesBodySchema> = {}): Promise<number> {
    return (await this.#request<{ data: { replayed: number } }>('POST', '/webhooks/deliveries/replay', { body })).data
      .replayed;
  }

  /**
   * Sends a test event (`type: 'test'`) to the environment's webhook URLs, signed and retried like
   * every event: to check a receiver and its signature check.
   *
   * @example const { event_id } = await pier.sendTestWebhook()
   */
  async sendTestWebhook(): Promise<z.output<typeof sendTestWebhookResponseSchema>['data']> {
    return (await this.#request<z.output<typeof sendTestWebhookResponseSchema>>('POST', '/webhooks/test', { body: {} }))
      .data;
  }

  // Records and syncs

  /**
   * One page of a connection's records of `model`, in the order of their last change; pass
   * `next_cursor` back as `cursor` for the next page (no change is skipped or repeated).
   *
   * @example const { records, next_cursor } = await pier.listRecords<Issue>({ providerConfigKey: 'github', connectionId: 'u-1', model: 'Issue', cursor })
   */
  async listRecords<T = Record<string, unknown>>(query: {
    providerConfigKey: string;
    connectionId: string;
    model: string;
    variant?: string;
    cursor?: string | null;
    limit?: number;
    filter?: 'added' | 'updated' | 'deleted' | string;
    modifiedAfter?: string;
    ids?: string[];
  }): Promise<{ records: (T & { _nango_metadata: RecordMetadata })[]; next_cursor: string | null }> {
    const url = new URLSearchParams({ model: query.model });
    if (query.variant) url.set('variant', query.variant);
    if (query.cursor) url.set('cursor', query.cursor);
    if (query.limit) url.set('limit', String(query.limit));
    if (query.filter) url.set('filter', query.filter);
    if (query.modifiedAfter) url.set('modified_after', query.modifiedAfter);
    for (const id of query.ids ?? []) url.append('ids', id);
    return this.#request('GET', `/records?${url.toString()}`, {
      headers: { 'connection-id': query.connectionId, 'provider-config-key': query.providerConfigKey },
    });
  }

  /** Empties the payload of records up to and including a cursor (their metadata stays). */
  async pruneRecords(input: {
    providerConfigKey: string;
    connectionId: string;
    model: string;
    untilCursor: string;
    variant?: string;
    limit?: number;
  }): Promise<{ count: number; has_more: boolean }> {
    return this.#request('PATCH', '/records/prune', {
      body: { model: input.model, until_cursor: input.untilCursor, variant: input.variant, limit: input.limit },
      headers: { 'connection-id': input.connectionId, 'provider-config-key': input.providerConfigKey },
    });
  }

  /** Runs syncs now (of one connection, or of all); `reset` starts over, `emptyCache` also deletes their records. */
  async triggerSync(
    providerConfigKey: string,
    syncs: (string | { name: string; variant?: string })[] = [],
    connectionId?: string,
    opts: { reset?: boolean; emptyCache?: boolean } = {},
  ): Promise<void> {
    await this.#request('POST', '/sync/trigger', {
      body: { provider_config_key: providerConfigKey, connection_id: connectionId, syncs, opts },
    });
  }

  async startSync(
    providerConfigKey: string,
    syncs: (string | { name: string; variant?: string })[],
    connectionId?: string,
  ) {
    await this.#request('POST', '/sync/start', {
      body: { provider_config_key: providerConfigKey, connection_id: connectionId, syncs },
    });
  }

  async pauseSync(
    providerConfigKey: string,
    syncs: (string | { name: string; variant?: string })[],
    connectionId?: string,
  ) {
    await this.#request('POST', '/sync/pause', {
      body: { provider_config_key: providerConfigKey, connection_id: connectionId, syncs },
    });
  }

  /** Status, last result, next run, record counts and checkpoint of syncs (`'*'` for all). */
  async syncStatus(
    providerConfigKey: string,
    syncs: (string | { name: string; variant?: string })[] | '*',
    connectionId?: string,
  ): Promise<{ syncs: SyncStatusEntry[] }> {
    const names =
      syncs === '*'
        ? '*'
        : syncs.map((s) => (typeof s === 'string' ? s : s.variant ? `${s.name}::${s.variant}` : s.name)).join(',');
    return this.#request('GET', '/sync/status', {
      query: { provider_config_key: providerConfigKey, syncs: names, connection_id: connectionId },
    });
  }

  /** Overrides a sync's frequency for one connection (`null` goes back to the sync's own). */
  async updateSyncConnectionFrequency(
    providerConfigKey: string,
    sync: string | { name: string; variant?: string },
    connectionId: string,
    frequency: string | null,
  ): Promise<{ frequency: string | null }> {
    return this.#request('PUT', '/sync/update-connection-frequency', {
      body: {
        provider_config_key: providerConfigKey,
        connection_id: connectionId,
        ...(typeof sync === 'string' ? { sync_name: sync } : { sync_name: sync.name, sync_variant: sync.variant }),
        frequency,
      },
    });
  }

  async createSyncVariant(providerConfigKey: string, connectionId: string, name: string, variant: string) {
    return this.#request<{ id: string; name: string; variant: string }>(
      'POST',
      `/sync/${encodeURIComponent(name)}/variant/${encodeURIComponent(variant)}`,
      { headers: { 'connection-id': connectionId, 'provider-config-key': providerConfigKey } },
    );
  }

  async deleteSyncVariant(
    providerConfigKey: string,
    connectionId: string,
    name: string,
    variant: string,
  ): Promise<void> {
    await this.#request('DELETE', `/sync/${encodeURIComponent(name)}/variant/${encodeURIComponent(variant)}`, {
      headers: { 'connection-id': connectionId, 'provider-config-key': providerConfigKey },
    });
  }

  // Actions and functions

  /**
   * Runs an action on a connection and returns its output. Pass the action's definition type to
   * type input and output: `pier.triggerAction<typeof createIssue>('github', 'u-1', 'create-issue', {...})`.
   * Failures throw PierError (`action_script_failure` with `details.payload`, `script_http_error`
   * with `details.upstream`, `invalid_action_input` with `errors`).
   */
  async triggerAction<A = unknown>(
    providerConfigKey: string,
    connectionId: string,
    actionName: string,
    input?: ActionInput<A>,
  ): Promise<ActionOutput<A>> {
    return this.#request('POST', '/action/trigger', {
      body: { action_name: actionName, input },
      headers: { 'connection-id': connectionId, 'provider-config-key': providerConfigKey },
    });
  }

  /** Starts an action in the background; poll {@link getAsyncActionResult} with the id. Failures are retried `maxRetries` times (0–5). */
  async triggerActionAsync<A = unknown>(
    providerConfigKey: string,
    connectionId: string,
    actionName: string,
    input?: ActionInput<A>,
    options: { maxRetries?: number } = {},
  ): Promise<{ id: string; statusUrl: string }> {
    return this.#request('POST', '/action/trigger', {
      body: { action_name: actionName, input },
      headers: {
        'connection-id': connectionId,
        'provider-config-key': providerConfigKey,
        'x-async': 'true',
        ...(options.maxRetries === undefined ? {} : { 'x-max-retries': String(options.maxRetries) }),
      },
    });
  }

  /**
   * An async action's output; `undefined` while it has not finished. A failed run throws PierError
   * (`action_script_failure`).
   */
  async getAsyncActionResult<A = unknown>(
    ref: { id: string } | { statusUrl: string },
  ): Promise<ActionOutput<A> | undefined> {
    const path = 'statusUrl' in ref ? ref.statusUrl : `/action/${encodeURIComponent(ref.id)}`;
    if (!/^\/action\/[^/?#]+$/.test(path)) throw new TypeError('getAsyncActionResult: statusUrl must be /action/<id>');
    try {
      return await this.#request('GET', path);
    } catch (err) {
      if (err instanceof PierError && err.code === 'action_not_completed') return undefined;
      throw err;
    }
  }

  /** @example const { data } = await pier.listFunctions('github', { type: 'action' }) */
  async listFunctions(
    integration: string,
    query: { type?: FunctionType; search?: string; page?: number; limit?: number } = {},
  ): Promise<{ data: DeployedFunction[]; pagination: { total: number; page: number; limit: number } }> {
    return this.#request('GET', `/integrations/${encodeURIComponent(integration)}/functions`, { query });
  }

  async getFunction(integration: string, name: string, type?: FunctionType): Promise<DeployedFunction> {
    return (
      await this.#request<{ data: DeployedFunction }>(
        'GET',
        `/integrations/${encodeURIComponent(integration)}/functions/${encodeURIComponent(name)}`,
        { query: { type } },
      )
    ).data;
  }

  async deleteFunction(integration: string, name: string, type: 'sync' | 'action'): Promise<void> {
    await this.#request(
      'DELETE',
      `/integrations/${encodeURIComponent(integration)}/functions/${encodeURIComponent(name)}`,
      {
        query: { type },
      },
    );
  }

  /** Every integration's deployed functions. */
  async getScriptsConfig(): Promise<
    {
      providerConfigKey: string;
      provider: string;
      syncs: DeployedFunction[];
      actions: DeployedFunction[];
      'on-events': DeployedFunction[];
    }[]
  > {
    return this.#request('GET', '/scripts/config');
  }
}

/** The input and output types of an action definition (`typeof createIssue` from the scripts project). */
type SchemaOutput<S> = S extends { _output: infer O }
  ? O
  : S extends { safeParse(v: unknown): infer R }
    ? Extract<R, { success: true }> extends { data: infer D }
      ? D
      : unknown
    : unknown;
/** What the caller sends: the schema's input type (before any transforms). */
export type ActionInput<A> = A extends { type: 'action'; input: infer I }
  ? I extends { _input: infer In }
    ? In
    : SchemaOutput<I>
  : unknown;
export type ActionOutput<A> = A extends { type: 'action'; output: infer O } ? SchemaOutput<O> : unknown;

export type RecordMetadata = {
  first_seen_at: string;
  last_modified_at: string;
  last_action: 'ADDED' | 'UPDATED' | 'DELETED';
  deleted_at: string | null;
  pruned_at: string | null;
  cursor: string;
};

export type SyncStatusEntry = {
  id: string;
  connection_id: string;
  name: string;
  variant: string;
  status: 'RUNNING' | 'PAUSED' | 'STOPPED' | 'SUCCESS' | 'ERROR';
  type: 'INITIAL' | 'INCREMENTAL';
  finishedAt: string | null;
  nextScheduledSyncAt: string | null;
  frequency: string;
  latestResult: Record<string, { added: number; updated: number; deleted: number }>;
  recordCount: Record<string, number>;
  checkpoint: Record<string, string | number | boolean> | null;
  error: string | null;
};

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
}
