import type { ValidationIssue } from './contract/errors.js';
import { PROXY_HEADERS, PROXY_RESPONSE_HEADERS } from './contract/proxy-headers.js';
import { PierError } from './errors.js';
import type { PaginateConfig } from './paginate.js';

/** One call through `ANY /proxy/*`, with the same controls as the proxy's headers. */
export type ProxyConfig = {
  /** Path at the provider, after its base URL: `/v3/objects/contacts`. */
  endpoint: string;
  connectionId: string;
  providerConfigKey: string;
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';
  params?: Record<string, string | number | boolean | readonly (string | number)[]>;
  /** A plain object or array is sent as JSON; strings, bytes, streams, FormData and URLSearchParams as they are. */
  data?: unknown;
  /** Headers for the provider (sent as `Pier-Proxy-<name>`; `content-type` as it is). */
  headers?: Record<string, string>;
  retries?: number;
  retryOn?: readonly number[];
  baseUrlOverride?: string;
  decompress?: boolean;
  forwardHeadersOnRedirect?: boolean;
  /** Seconds to wait for the connection's rate limit to reset; 0 fails at once with a 429 `rate_limited`. */
  rateLimitWait?: number;
  /** How to read the body: JSON (default, text when it is not JSON), text, bytes, or the raw stream. */
  responseType?: 'json' | 'text' | 'arraybuffer' | 'stream';
  /** `false` resolves instead of throwing when the provider answers 4xx/5xx (default `true`). */
  throwOnUpstreamError?: boolean;
  signal?: AbortSignal;
};

export type ProxyResponse<T = unknown> = {
  status: number;
  headers: Headers;
  data: T;
  /** Retries Pier made before this answer. */
  retries: number;
};

/** Thrown when the provider (not Pier) answered an error status; `response` is its answer. */
export class ProxyUpstreamError extends PierError {
  override name = 'ProxyUpstreamError';
  constructor(readonly response: ProxyResponse) {
    super(response.status, 'upstream_status', `The provider answered ${response.status}`);
  }
}

export type PaginatedProxyConfig = Omit<ProxyConfig, 'responseType' | 'throwOnUpstreamError'> & {
  /** Overrides of the provider's catalog pagination for this call. */
  paginate?: PaginateConfig;
};

const RAW_BODY = (data: unknown) =>
  typeof data === 'string' ||
  data instanceof ArrayBuffer ||
  ArrayBuffer.isView(data) ||
  data instanceof Blob ||
  data instanceof FormData ||
  data instanceof URLSearchParams ||
  data instanceof ReadableStream;

/** The URL and request init of a proxied call. */
export function buildProxyRequest(
  host: string,
  secretKey: string,
  config: ProxyConfig,
): { url: URL; init: RequestInit } {
  const endpoint = config.endpoint.startsWith('/') ? config.endpoint : `/${config.endpoint}`;
  const url = new URL(`${host}/proxy${endpoint}`);
  for (const [name, value] of Object.entries(config.params ?? {}))
    for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(name, String(v));
  const headers: Record<string, string> = {
    authorization: `Bearer ${secretKey}`,
    [PROXY_HEADERS.connectionId]: config.connectionId,
    [PROXY_HEADERS.providerConfigKey]: config.providerConfigKey,
  };
  if (config.retries !== undefined) headers[PROXY_HEADERS.retries] = String(config.retries);
  if (config.retryOn?.length) headers[PROXY_HEADERS.retryOn] = config.retryOn.join(',');
  if (config.baseUrlOverride) headers[PROXY_HEADERS.baseUrlOverride] = config.baseUrlOverride;
  if (config.decompress !== undefined) headers[PROXY_HEADERS.decompress] = String(config.decompress);
  if (config.forwardHeadersOnRedirect !== undefined)
    headers[PROXY_HEADERS.forwardHeadersOnRedirect] = String(config.forwardHeadersOnRedirect);
  if (config.rateLimitWait !== undefined) headers[PROXY_HEADERS.rateLimitWait] = String(config.rateLimitWait);
  for (const [name, value] of Object.entries(config.headers ?? {})) {
    const lower = name.toLowerCase();
    headers[lower === 'content-type' ? lower : `pier-proxy-${lower}`] = value;
  }
  let body: BodyInit | undefined;
  if (config.data !== undefined && config.data !== null) {
    if (RAW_BODY(config.data)) body = config.data as BodyInit;
    else {
      body = JSON.stringify(config.data);
      headers['content-type'] ??= 'application/json';
    }
  }
  const init: RequestInit & { duplex?: 'half' } = {
    method: config.method ?? 'GET',
    headers,
    body,
    signal: config.signal,
  };
  if (body instanceof ReadableStream) init.duplex = 'half';
  return { url, init };
}

/** Reads a proxied answer, throwing PierError for Pier's own errors and ProxyUpstreamError for the provider's. */
export async function readProxyResponse<T>(response: Response, config: ProxyConfig): Promise<ProxyResponse<T>> {
  const fromProvider = response.headers.has(PROXY_RESPONSE_HEADERS.retries);
  if (!fromProvider && !response.ok) {
    const text = await response.text();
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch {}
    // Checked by hand, not with the zod contract: scripts bundle this module and should not carry zod.
    const error = (payload as { error?: { code?: unknown; message?: unknown; errors?: unknown } } | undefined)?.error;
    const known = typeof error?.code === 'string';
    throw new PierError(
      response.status,
      known ? (error?.code as string) : 'http_error',
      known
        ? typeof error?.message === 'string'
          ? error.message
          : (error?.code as string)
        : `HTTP ${response.status} from the proxy`,
      known && Array.isArray(error?.errors) ? (error.errors as ValidationIssue[]) : [],
      response.headers.get('x-request-id') ?? undefined,
    );
  }
  let data: unknown;
  switch (config.responseType ?? 'json') {
    case 'stream':
      data = response.body;
      break;
    case 'arraybuffer':
      data = await response.arrayBuffer();
      break;
    case 'text':
      data = await response.text();
      break;
    default: {
      const text = await response.text();
      try {
        data = text ? JSON.parse(text) : undefined;
      } catch {
        data = text;
      }
    }
  }
  const result: ProxyResponse<T> = {
    status: response.status,
    headers: response.headers,
    data: data as T,
    retries: Number(response.headers.get(PROXY_RESPONSE_HEADERS.retries) ?? 0),
  };
  if (response.status >= 400 && config.throwOnUpstreamError !== false) throw new ProxyUpstreamError(result);
  return result;
}
