import { PierError } from '../errors.js';
import { type PaginateConfig, pagesThroughProxy } from '../paginate.js';
import { buildProxyRequest, type ProxyConfig, readProxyResponse } from '../proxy.js';
import { recordHash } from './canonical.js';
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

/** Records per call to the platform (Nango's runner uses the same batch size), and bytes per call. */
const RECORD_BATCH = 1_000;
const RECORD_BATCH_BYTES = 4 * 1024 * 1024;
const MAX_REPORTED_INVALID = 100;
const MAX_DRY_RUN_SAMPLE = 50;

export type InvalidRecord = {
  model: string;
  id: string | null;
  issues: { code: string; path: (string | number)[]; message: string }[];
};
export type DryRunRecords = {
  saved: number;
  updated: number;
  deleted: number;
  sample: { op: string; record: unknown }[];
};

function hasUsableId(record: unknown): boolean {
  const id = (record as { id?: unknown } | null)?.id;
  return (typeof id === 'string' && id.length > 0) || (typeof id === 'number' && Number.isFinite(id));
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

  /** Records that did not match their model (reported in the run's result and logs, not saved). */
  readonly invalidRecords: InvalidRecord[] = [];
  invalidRecordCount = 0;
  readonly #models: Record<string, Schema> | undefined;
  readonly #merging = new Map<string, 'ignore_if_modified_after' | 'override'>();
  readonly #dryRunWrites = new Map<string, DryRunRecords>();
  readonly #startedAt = new Date().toISOString();

  constructor(invocation: Invocation, options: { models?: Record<string, Schema> } = {}) {
    this.#models = options.models;
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
    yield* pagesThroughProxy<T>(config, merged, async (call) => {
      const response = await this.proxy({ ...config, ...call, method: config.method ?? 'GET', responseType: 'json' });
      return { headers: new Headers(response.headers), data: response.data };
    });
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

  /** Upserts records of `model`, keyed by `id` (an unchanged record is not rewritten). */
  async batchSave<T extends { id: string | number }>(records: T[], model: string): Promise<boolean> {
    if (this.#dryRun) {
      await this.#writeRecords('save', model, this.#valid(records, model));
      return true;
    }
    this.#model(model);
    // Hashes first: the platform says which records would change, and only those are validated and
    // sent (an unchanged record is the one validated when it was saved).
    const withIds = records.filter(hasUsableId);
    const hashes = await Promise.all(withIds.map((r) => recordHash(r)));
    const changed = new Set<string>();
    for (let i = 0; i < withIds.length; i += RECORD_BATCH) {
      const ids = withIds.slice(i, i + RECORD_BATCH).map((r) => String(r.id));
      const answer = await this.#call<{ changed: string[] }>('POST', '/records/diff', {
        model,
        ids,
        hashes: hashes.slice(i, i + RECORD_BATCH).join(''),
      });
      for (const id of answer.changed) changed.add(id);
    }
    const candidates = withIds
      .map((r, i) => [r, hashes[i] as string] as const)
      .filter(([r]) => changed.has(String(r.id)));
    // Records without a usable id go through validation too, to be reported.
    const valid = new Set<unknown>(
      this.#valid([...candidates.map(([r]) => r), ...records.filter((r) => !hasUsableId(r))], model),
    );
    const keep = candidates.filter(([r]) => valid.has(r));
    await this.#writeRecords(
      'save',
      model,
      keep.map(([r]) => r),
      keep.map(([, h]) => h),
    );
    return true;
  }
  /** Deprecated name of {@link batchSave}. */
  batchSend<T extends { id: string | number }>(records: T[], model: string): Promise<boolean> {
    return this.batchSave(records, model);
  }
  /** Merges into existing records of `model`: objects key by key, arrays replaced; unknown ids are skipped. */
  async batchUpdate<T extends { id: string | number }>(records: Partial<T>[], model: string): Promise<boolean> {
    this.#model(model);
    await this.#writeRecords('update', model, records as { id: string | number }[]);
    return true;
  }
  /** Marks records of `model` deleted (they stay in the feed as `DELETED`). */
  async batchDelete<T extends { id: string | number }>(records: T[], model: string): Promise<boolean> {
    this.#model(model);
    await this.#writeRecords(
      'delete',
      model,
      records.map((r) => ({ id: r.id })),
    );
    return true;
  }

  /** The stored records of `model` with these ids (deleted ones left out). */
  async getRecordsByIds<K extends string | number, T = Loose>(ids: K[], model: string): Promise<Map<K, T>> {
    this.#model(model);
    const out = new Map<K, T>();
    for (let i = 0; i < ids.length; i += RECORD_BATCH) {
      const chunk = ids.slice(i, i + RECORD_BATCH);
      const { records } = await this.#call<{ records: (T & { id: string | number })[] }>('POST', '/records/by-ids', {
        model,
        ids: chunk.map(String),
      });
      const byId = new Map(records.map((r) => [String(r.id), r]));
      for (const id of chunk) {
        const found = byId.get(String(id));
        if (found) out.set(id, found);
      }
    }
    return out;
  }

  /** One page of the stored records of `model` (change order); pass `next_cursor` back for the next. */
  listRecords<T = Loose>(
    model: string,
    options: { cursor?: string | null; limit?: number } = {},
  ): Promise<{ records: T[]; next_cursor: string | null }> {
    this.#model(model);
    return this.#call('POST', '/records/list', {
      model,
      ...(options.cursor ? { cursor: options.cursor } : {}),
      ...(options.limit ? { limit: options.limit } : {}),
    });
  }

  /** Starts a full pass over `model`: records not saved again before {@link trackDeletesEnd} are deleted then. */
  async trackDeletesStart(model: string): Promise<void> {
    this.#model(model);
    if (this.#dryRun) return;
    await this.#call('POST', '/records/track-deletes/start', { model });
  }
  /** Ends the full pass: deletes the records of `model` it did not see; returns how many. */
  async trackDeletesEnd(model: string): Promise<number> {
    this.#model(model);
    if (this.#dryRun) return 0;
    const { deleted } = await this.#call<{ deleted: number }>('POST', '/records/track-deletes/end', { model });
    return deleted;
  }

  /**
   * `ignore_if_modified_after`: a record changed (for example by an action's `batchUpdate`) after
   * this run started is not overwritten by the run's saves. `override` (the default) overwrites.
   */
  async setMergingStrategy(
    merging: { strategy: 'ignore_if_modified_after' | 'override' },
    model: string,
  ): Promise<void> {
    this.#model(model);
    this.#merging.set(model, merging.strategy);
  }

  /** Records a dry run would have written, per model (the first ones, and how many). */
  get dryRunRecords(): Record<string, DryRunRecords> | undefined {
    return this.#dryRun ? Object.fromEntries(this.#dryRunWrites) : undefined;
  }

  #model(model: string): void {
    if (!this.#models) throw new TypeError('Records belong to syncs: this script declares no models');
    if (!(model in this.#models))
      throw new TypeError(`"${model}" is not a model of this sync (models: ${Object.keys(this.#models).join(', ')})`);
  }

  /** The records that match the model's schema; the others are reported, not saved (nor dropped silently). */
  #valid<T extends { id: string | number }>(records: T[], model: string): T[] {
    this.#model(model);
    const schema = this.#models?.[model];
    const valid: T[] = [];
    for (const record of records) {
      const result = schema ? schema.safeParse(record) : { success: true as const };
      const id = (record as { id?: unknown })?.id;
      if (result.success && (typeof id === 'string' ? id.length > 0 : typeof id === 'number')) {
        valid.push(record);
        continue;
      }
      const issues = result.success
        ? [{ code: 'custom', path: ['id'], message: 'a record needs an id (a non-empty string or a number)' }]
        : result.error.issues.map((i) => ({
            code: i.code,
            path: i.path.map((p) => (typeof p === 'number' ? p : String(p))),
            message: i.message,
          }));
      this.invalidRecordCount++;
      if (this.invalidRecords.length < MAX_REPORTED_INVALID)
        this.invalidRecords.push({ model, id: id === undefined ? null : String(id), issues });
    }
    if (valid.length < records.length)
      void this.log(`${records.length - valid.length} ${model} record(s) did not match the model and were not saved`, {
        level: 'warn',
      });
    return valid;
  }

  async #writeRecords(
    op: 'save' | 'update' | 'delete',
    model: string,
    records: { id: string | number }[],
    hashes?: string[],
  ) {
    if (this.#dryRun) {
      const entry = this.#dryRunWrites.get(model) ?? { saved: 0, updated: 0, deleted: 0, sample: [] };
      entry[op === 'save' ? 'saved' : op === 'update' ? 'updated' : 'deleted'] += records.length;
      for (const record of records) if (entry.sample.length < MAX_DRY_RUN_SAMPLE) entry.sample.push({ op, record });
      this.#dryRunWrites.set(model, entry);
      return;
    }
    const unmodifiedSince = this.#merging.get(model) === 'ignore_if_modified_after' ? this.#startedAt : undefined;
    // Batches of at most 1,000 records and about 4 MB, as the platform takes them.
    let chunk: { id: string | number }[] = [];
    let chunkHashes: string[] = [];
    let bytes = 0;
    const flush = async () => {
      if (chunk.length === 0) return;
      await this.#call('POST', `/records/${op}?model=${encodeURIComponent(model)}`, {
        records: chunk,
        ...(hashes ? { hashes: chunkHashes } : {}),
        ...(unmodifiedSince ? { unmodified_since: unmodifiedSince } : {}),
      });
      chunk = [];
      chunkHashes = [];
      bytes = 0;
    };
    for (const [i, record] of records.entries()) {
      const size = JSON.stringify(record).length;
      if (chunk.length >= RECORD_BATCH || (chunk.length > 0 && bytes + size > RECORD_BATCH_BYTES)) await flush();
      chunk.push(record);
      if (hashes) chunkHashes.push(hashes[i] as string);
      bytes += size;
    }
    await flush();
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
