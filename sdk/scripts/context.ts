import { PierError } from '../errors.js';
import { type PaginateConfig, paginate } from '../paginate.js';
import { buildProxyRequest, type ProxyConfig, readProxyResponse } from '../proxy.js';
import type { Checkpoint, Schema } from './define.js';
import { HOST_ORIGIN, type Invocation, LOG_LEVELS, type LogLevel, RUN_HEADER, type ScriptLogLine } from './protocol.js';
import { InputValidationError } from './runtime-errors.js';

/**
 * Untyped provider data. Nango's script API types answers as `any` by default, and scripts written
 * for it index into them freely; `unknown` would make those scripts fail to compile.
 */
// biome-ignore lint/suspicious/noExplicitAny: compatibility with scripts written for Nango's types
export type Loose = any;

/** A proxied call from a script: the run's connection is implied (naming another one is refused). */
export type ScriptProxyConfig = Omit<ProxyConfig, 'connectionId' | 'providerConfigKey' | 'responseType'> & {
  connectionId?: string;
  providerConfigKey?: string;
  responseType?: ProxyConfig['responseType'] | 'blob';
  paginate?: PaginateConfig;
  /** Accepted for Nango compatibility: Pier reads rate-limit headers from the catalog. */
  retryHeader?: unknown;
};

/** The answer to a proxied call, shaped like an axios response (headers as a lower-case object). */
export type ScriptProxyResponse<T = Loose> = { status: number; headers: Record<string, string>; data: T };

/** Thrown when the provider answered 4xx/5xx; `response` has its status, headers and body. */
export class ScriptProxyError extends Error {
  override name = 'ScriptProxyError';
  constructor(readonly response: ScriptProxyResponse) {
    super(`The provider answered ${response.status}`);
  }
  get status(): number {
    return this.response.status;
  }
}

const LEVEL_RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
const MAX_LOG_LINES = 1_000;
const MAX_LOG_LINE = 4_000;

function headerObject(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name] = value;
  });
  return out;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/**
 * The `nango` object a script's `exec` receives. Every method is a call back to the platform
 * through the script's outbound `fetch`; the platform decides which connection it concerns.
 */
export class ScriptContext {
  readonly connectionId: string;
  readonly providerConfigKey: string;
  readonly activityLogId: string;
  readonly runId: string;
  readonly #runToken: string;
  readonly variant: string;
  readonly lastSyncDate: Date | undefined;
  readonly logs: ScriptLogLine[] = [];
  #droppedLogs = 0;
  #checkpoint: Checkpoint | null | undefined;
  readonly #minLevel: number;
  readonly #dryRun: boolean;

  constructor(invocation: Invocation) {
    this.connectionId = invocation.connectionId;
    this.providerConfigKey = invocation.providerConfigKey;
    this.runId = invocation.runId;
    this.#runToken = invocation.runToken;
    this.activityLogId = invocation.runId;
    this.variant = invocation.variant ?? 'base';
    this.lastSyncDate = invocation.lastSyncDate ? new Date(invocation.lastSyncDate) : undefined;
    this.#minLevel = LEVEL_RANK[invocation.logLevel ?? 'debug'];
    this.#dryRun = invocation.checkpoint !== undefined;
    this.#checkpoint = invocation.checkpoint;
  }

  /** The checkpoint a dry run ended with (dry runs keep it in the run, not on the platform). */
  get dryRunCheckpoint(): Checkpoint | null | undefined {
    return this.#dryRun ? this.#checkpoint : undefined;
  }

  // ---- calls to the platform -------------------------------------------------------------

  async #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${HOST_ORIGIN}${path}`, {
      method,
      headers: { [RUN_HEADER]: this.#runToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let data: unknown;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      data = text;
    }
    if (!response.ok) {
      const error = (data as { error?: { code?: string; message?: string } })?.error;
      throw new PierError(response.status, error?.code ?? 'http_error', error?.message ?? `HTTP ${response.status}`);
    }
    return data as T;
  }

  #ownConnection(config: { connectionId?: string; providerConfigKey?: string }): void {
    if (
      (config.connectionId !== undefined && config.connectionId !== this.connectionId) ||
      (config.providerConfigKey !== undefined && config.providerConfigKey !== this.providerConfigKey)
    )
      throw new PierError(403, 'forbidden', 'A script can only call its own connection');
  }

  // ---- HTTP through the proxy --------------------------------------------------------------

  /** One call to the provider's API as the connection, through Pier's proxy (credentials, retries, rate limits). */
  async proxy<T = Loose>(config: ScriptProxyConfig): Promise<ScriptProxyResponse<T>> {
    this.#ownConnection(config);
    const responseType = config.responseType === 'blob' ? 'arraybuffer' : config.responseType;
    const proxyConfig: ProxyConfig = {
      ...config,
      responseType,
      connectionId: this.connectionId,
      providerConfigKey: this.providerConfigKey,
    };
    const { url, init } = buildProxyRequest(HOST_ORIGIN, '', proxyConfig);
    const headers = new Headers(init.headers);
    headers.delete('authorization');
    headers.set(RUN_HEADER, this.#runToken);
    const response = await fetch(url, { ...init, headers });
    const result = await readProxyResponse<T>(response, { ...proxyConfig, throwOnUpstreamError: false });
    const data = config.responseType === 'blob' ? (new Blob([result.data as ArrayBuffer]) as T) : result.data;
    const answer = { status: result.status, headers: headerObject(result.headers), data };
    if (result.status >= 400) throw new ScriptProxyError(answer);
    return answer;
  }

  get<T = Loose>(config: Omit<ScriptProxyConfig, 'method'>): Promise<ScriptProxyResponse<T>> {
    return this.proxy<T>({ ...config, method: 'GET' });
  }
  post<T = Loose>(config: Omit<ScriptProxyConfig, 'method'>): Promise<ScriptProxyResponse<T>> {
    return this.proxy<T>({ ...config, method: 'POST' });
  }
  put<T = Loose>(config: Omit<ScriptProxyConfig, 'method'>): Promise<ScriptProxyResponse<T>> {
    return this.proxy<T>({ ...config, method: 'PUT' });
  }
  patch<T = Loose>(config: Omit<ScriptProxyConfig, 'method'>): Promise<ScriptProxyResponse<T>> {
    return this.proxy<T>({ ...config, method: 'PATCH' });
  }
  delete<T = Loose>(config: Omit<ScriptProxyConfig, 'method'>): Promise<ScriptProxyResponse<T>> {
    return this.proxy<T>({ ...config, method: 'DELETE' });
  }

  /**
   * Every page of a paginated endpoint, per the provider's catalog pagination merged with
   * `config.paginate`.
   *
   * @example for await (const page of nango.paginate<Issue>({ endpoint: '/repos/o/r/issues', paginate: { limit: 100 } })) …
   */
  async *paginate<T = Loose>(config: ScriptProxyConfig): AsyncGenerator<T[], void, undefined> {
    this.#ownConnection(config);
    const { pagination } = await this.#call<{ pagination: PaginateConfig | null }>('GET', '/integration');
    const merged: PaginateConfig = { ...(pagination ?? {}), ...config.paginate };
    const params = Object.fromEntries(Object.entries(config.params ?? {}).map(([k, v]) => [k, String(v)]));
    yield* paginate<T>(
      async (page) => {
        const next = page.url ? new URL(page.url) : undefined;
        const response = await this.proxy({
          ...config,
          method: config.method ?? 'GET',
          endpoint: next ? next.pathname : config.endpoint,
          params: next ? Object.fromEntries(next.searchParams) : page.params,
          baseUrlOverride: next ? next.origin : config.baseUrlOverride,
          responseType: 'json',
        });
        return { headers: new Headers(response.headers), data: response.data };
      },
      merged,
      params,
    );
  }

  /**
   * A request outside the proxy: no credentials, no retries. Only for integrations whose
   * configuration allows it (`integration_config.allow_uncontrolled_fetch = "true"`).
   */
  async uncontrolledFetch(options: {
    url: string | URL;
    method?: string;
    headers?: Record<string, string>;
    body?: string | null;
  }): Promise<Response> {
    const response = await fetch(`${HOST_ORIGIN}/fetch`, {
      method: 'POST',
      headers: { [RUN_HEADER]: this.#runToken, 'content-type': 'application/json' },
      body: JSON.stringify({ ...options, url: String(options.url) }),
    });
    if (response.headers.get('x-pier-fetch') !== 'upstream') {
      const body = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
      throw new PierError(response.status, body.error?.code ?? 'http_error', body.error?.message ?? 'Fetch refused');
    }
    return response;
  }

  // ---- the connection ------------------------------------------------------------------------

  /** The connection, with its credentials (fresh: refreshed by the platform when due). */
  getConnection(): Promise<Record<string, Loose>> {
    return this.#call('GET', '/connection');
  }

  /** The access token (OAuth), API key, `{ username, password }` (basic), or the credentials object. */
  async getToken(): Promise<string | Record<string, Loose>> {
    const connection = await this.getConnection();
    const credentials = connection.credentials ?? {};
    if (typeof credentials.access_token === 'string') return credentials.access_token;
    if (typeof credentials.apiKey === 'string') return credentials.apiKey;
    if (credentials.type === 'BASIC') return { username: credentials.username, password: credentials.password };
    return credentials;
  }

  async getIntegration(): Promise<Record<string, Loose>> {
    const { integration } = await this.#call<{ integration: Record<string, Loose> }>('GET', '/integration');
    return integration;
  }

  getMetadata<M = Record<string, Loose>>(): Promise<M> {
    return this.#call('GET', '/metadata');
  }
  /** Replaces the connection's metadata. */
  async setMetadata(metadata: Record<string, unknown>): Promise<void> {
    await this.#call('PUT', '/metadata', metadata);
  }
  /** Merges into the connection's metadata (top-level keys). */
  async updateMetadata(metadata: Record<string, unknown>): Promise<void> {
    await this.#call('PATCH', '/metadata', metadata);
  }

  /** The environment's variables, as `{ name, value }` pairs. */
  getEnvironmentVariables(): Promise<{ name: string; value: string }[]> {
    return this.#call('GET', '/environment-variables');
  }

  // ---- checkpoints and locks -------------------------------------------------------------

  async getCheckpoint<C extends Checkpoint = Checkpoint>(): Promise<C | null> {
    if (this.#dryRun) return (this.#checkpoint ?? null) as C | null;
    const { checkpoint } = await this.#call<{ checkpoint: C | null }>('GET', '/checkpoint');
    return checkpoint;
  }
  /** Saves where the script got to; a checkpoint is a flat object of strings, numbers and booleans. */
  async saveCheckpoint(checkpoint: Checkpoint): Promise<void> {
    for (const [key, value] of Object.entries(checkpoint))
      if (!['string', 'number', 'boolean'].includes(typeof value))
        throw new TypeError(`saveCheckpoint: "${key}" must be a string, number or boolean`);
    if (this.#dryRun) this.#checkpoint = { ...checkpoint };
    else await this.#call('PUT', '/checkpoint', checkpoint);
  }
  async clearCheckpoint(): Promise<void> {
    if (this.#dryRun) this.#checkpoint = null;
    else await this.#call('DELETE', '/checkpoint');
  }

  /** Takes a lock shared by every run on this connection, held until released or `ttlMs` passes. */
  async tryAcquireLock(options: { key: string; ttlMs: number }): Promise<boolean> {
    const { acquired } = await this.#call<{ acquired: boolean }>('POST', '/locks/acquire', options);
    return acquired;
  }
  async releaseLock(options: { key: string }): Promise<boolean> {
    const { released } = await this.#call<{ released: boolean }>('POST', '/locks/release', options);
    return released;
  }
  async releaseAllLocks(): Promise<void> {
    await this.#call('POST', '/locks/release-all', {});
  }

  // ---- other scripts ---------------------------------------------------------------------------

  /** Runs another action of this integration on this connection and returns its output. */
  triggerAction<O = unknown>(
    providerConfigKey: string,
    connectionId: string,
    actionName: string,
    input?: unknown,
  ): Promise<O> {
    this.#ownConnection({ connectionId, providerConfigKey });
    return this.#call('POST', '/actions/trigger', { action_name: actionName, input });
  }

  // ---- records (syncs) ------------------------------------------------------------------------

  /** Upserts records of `model`, keyed by `id`. */
  async batchSave(records: { id: string | number }[], model: string): Promise<boolean> {
    await this.#call('POST', '/records/save', { model, records });
    return true;
  }
  /** Deprecated name of {@link batchSave}. */
  batchSend(records: { id: string | number }[], model: string): Promise<boolean> {
    return this.batchSave(records, model);
  }
  /** Merges into existing records of `model` (arrays are replaced). */
  async batchUpdate(records: { id: string | number }[], model: string): Promise<boolean> {
    await this.#call('POST', '/records/update', { model, records });
    return true;
  }
  /** Marks records of `model` deleted. */
  async batchDelete(records: { id: string | number }[], model: string): Promise<boolean> {
    await this.#call('POST', '/records/delete', { model, records });
    return true;
  }

  // ---- logs and input ----------------------------------------------------------------------------

  /** @example await nango.log('Fetched', count, 'issues', { level: 'info' }) */
  async log(...args: unknown[]): Promise<void> {
    let level: LogLevel = 'info';
    const last = args.at(-1);
    if (args.length > 1 && last && typeof last === 'object' && 'level' in last && Object.keys(last).length === 1) {
      const wanted = (last as { level: unknown }).level;
      args.pop();
      if (wanted === 'off') return;
      if (typeof wanted === 'string' && (LOG_LEVELS as readonly string[]).includes(wanted)) level = wanted as LogLevel;
    }
    if (LEVEL_RANK[level] < this.#minLevel) return;
    if (this.logs.length >= MAX_LOG_LINES) {
      this.#droppedLogs++;
      return;
    }
    const message = args.map(describe).join(' ').slice(0, MAX_LOG_LINE);
    this.logs.push({ level, message, at: new Date().toISOString() });
  }

  /** Lines past the per-run limit that were not kept. */
  get droppedLogLines(): number {
    return this.#droppedLogs;
  }

  /** Validates `input` against a zod schema; throws the validation issues if it does not match. */
  async zodValidateInput<T>({
    zodSchema,
    input,
  }: {
    zodSchema: Schema<T>;
    input: unknown;
  }): Promise<{ success: true; data: T }> {
    const result = zodSchema.safeParse(input);
    if (result.success) return { success: true, data: result.data };
    throw new InputValidationError(result.error.issues);
  }
}
