import { CONNECTION_ID_CHARACTERS, CONNECTION_ID_PATTERN } from '../../sdk/contract/connections.js';
import type { ValidationIssue } from '../../sdk/contract/errors.js';
import { PROXY_HEADERS } from '../../sdk/contract/proxy.js';
import { ApiError } from '../http/api-error.js';

/** What the caller asked of one proxied call, read from its headers (names as in the reference API). */
export type ProxyOptions = {
  connectionId: string;
  integrationKey: string;
  /** Retries asked for; undefined means the default for the method. */
  retries: number | undefined;
  retryOn: number[];
  baseUrlOverride: string | undefined;
  decompress: boolean | undefined;
  /** Send credentials to another host when the provider redirects there. */
  forwardHeadersOnRedirect: boolean;
  /** How long the call may wait for the connection's rate-limit budget (and for Retry-After waits). */
  maxWaitMs: number;
  /** Headers for the provider: `Nango-Proxy-*` / `Pier-Proxy-*` with the prefix removed. */
  forwardedHeaders: Record<string, string>;
};

export const MAX_RETRIES = 10;
export const DEFAULT_MAX_WAIT_SECONDS = 30;
export const MAX_WAIT_SECONDS = 300;

const KEY = /^[A-Za-z0-9][A-Za-z0-9._~-]{0,254}$/;
const PASS_THROUGH_PREFIXES = ['nango-proxy-', 'pier-proxy-'];
/** Caller headers that describe the body or the wanted representation: forwarded as they are. */
const FORWARDED_AS_IS = new Set([
  'content-type',
  'accept',
  'accept-language',
  'if-match',
  'if-none-match',
  'if-modified-since',
  'if-unmodified-since',
  'range',
  'prefer',
]);
/** Never sent upstream, whatever the caller asks (RFC 9110 §7.6.1 hop-by-hop, and framing). */
export const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
]);

function parseBoolean(value: string | null, name: string, issues: ValidationIssue[]): boolean | undefined {
  if (value === null) return undefined;
  const v = value.trim().toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  issues.push({ code: 'invalid_type', path: ['headers', name], message: `${name} must be "true" or "false"` });
  return undefined;
}

function parseInteger(
  value: string | null,
  name: string,
  range: [number, number],
  issues: ValidationIssue[],
): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < range[0] || n > range[1]) {
    issues.push({
      code: 'invalid_value',
      path: ['headers', name],
      message: `${name} must be a whole number from ${range[0]} to ${range[1]}`,
    });
    return undefined;
  }
  return n;
}

function clampRetries(retries: number | undefined): number | undefined {
  return retries === undefined ? undefined : Math.min(retries, MAX_RETRIES);
}

/**
 * Reads and checks the proxy headers. Every problem is reported at once, as `invalid_headers`
 * with one entry per header.
 *
 * @example readProxyOptions(new Headers({ 'connection-id': 'u1', 'provider-config-key': 'github' }))
 */
export function readProxyOptions(headers: Headers): ProxyOptions {
  const issues: ValidationIssue[] = [];
  const required = (name: string, pattern: RegExp, allowed: string) => {
    const value = headers.get(name)?.trim();
    if (!value) issues.push({ code: 'missing', path: ['headers', name], message: `The ${name} header is required` });
    else if (value.length > 255 || !pattern.test(value))
      issues.push({
        code: 'invalid_format',
        path: ['headers', name],
        message: `${name} may hold ${allowed} only (up to 255)`,
      });
    return value ?? '';
  };
  // Every id POST /connections accepts (a@b.com, x:y, a+b) can be called through the proxy.
  const connectionId = required(PROXY_HEADERS.connectionId, CONNECTION_ID_PATTERN, CONNECTION_ID_CHARACTERS);
  const integrationKey = required(PROXY_HEADERS.providerConfigKey, KEY, 'letters, digits, ".", "_", "~" and "-"');
  // More retries than Pier allows is read as "as many as allowed", as the reference API does.
  const retries = clampRetries(
    parseInteger(headers.get(PROXY_HEADERS.retries), PROXY_HEADERS.retries, [0, Number.MAX_SAFE_INTEGER], issues),
  );

  const retryOn: number[] = [];
  const retryOnRaw = headers.get(PROXY_HEADERS.retryOn);
  if (retryOnRaw !== null)
    for (const part of retryOnRaw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const code = Number(part);
      if (!/^\d{3}$/.test(part) || code < 400 || code > 599)
        issues.push({
          code: 'invalid_value',
          path: ['headers', PROXY_HEADERS.retryOn],
          message: `${PROXY_HEADERS.retryOn} lists status codes from 400 to 599, comma-separated ("${part}" is not one)`,
        });
      else retryOn.push(code);
    }

  let baseUrlOverride = headers.get(PROXY_HEADERS.baseUrlOverride)?.trim() || undefined;
  if (baseUrlOverride !== undefined && !/^https?:\/\/[^/?#]+/i.test(baseUrlOverride)) {
    issues.push({
      code: 'invalid_format',
      path: ['headers', PROXY_HEADERS.baseUrlOverride],
      message: `${PROXY_HEADERS.baseUrlOverride} must be an absolute http(s) URL`,
    });
    baseUrlOverride = undefined;
  }
  const decompress = parseBoolean(headers.get(PROXY_HEADERS.decompress), PROXY_HEADERS.decompress, issues);
  const forward = parseBoolean(
    headers.get(PROXY_HEADERS.forwardHeadersOnRedirect),
    PROXY_HEADERS.forwardHeadersOnRedirect,
    issues,
  );
  const wait = parseInteger(
    headers.get(PROXY_HEADERS.rateLimitWait),
    PROXY_HEADERS.rateLimitWait,
    [0, MAX_WAIT_SECONDS],
    issues,
  );

  // One pass over the headers (this runs on every proxied call). Prefixed headers win over plain ones.
  const forwardedHeaders: Record<string, string> = {};
  const prefixed: [string, string][] = [];
  for (const [name, value] of headers) {
    if (FORWARDED_AS_IS.has(name)) forwardedHeaders[name] = value;
    else if (name.charCodeAt(0) === 110 /* n */ || name.charCodeAt(0) === 112 /* p */) {
      const prefix = PASS_THROUGH_PREFIXES.find((p) => name.startsWith(p));
      if (prefix) prefixed.push([name.slice(prefix.length), value]);
    }
  }
  for (const [upstreamName, value] of prefixed) {
    // Framing, and headers the platform sets about the caller, cannot be forged through the prefix.
    if (!upstreamName || HOP_BY_HOP.has(upstreamName) || /^(cf-|x-forwarded-|forwarded$|x-real-ip$)/.test(upstreamName))
      continue;
    forwardedHeaders[upstreamName] = value;
  }

  if (issues.length > 0)
    throw new ApiError('invalid_headers', 400, 'Some proxy headers are missing or invalid', issues);
  return {
    connectionId,
    integrationKey,
    retries,
    retryOn,
    baseUrlOverride,
    decompress,
    forwardHeadersOnRedirect: forward ?? false,
    maxWaitMs: (wait ?? DEFAULT_MAX_WAIT_SECONDS) * 1000,
    forwardedHeaders,
  };
}
