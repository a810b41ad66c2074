import type { ProviderDefinition } from '../../sdk/contract/provider-definition.js';
import { accessTokenOf, type ConnectionCredentials } from '../auth/credentials.js';
import { type ProviderUrlInput, resolveProviderUrl } from '../providers/provider-url.js';
import { interpolateAll, type TemplateVars } from '../providers/template.js';

/**
 * How a request to the provider is authenticated, from the catalog entry alone: base URL,
 * headers and query with credentials filled in. OAuth 1.0a requests are signed per request
 * by the proxy instead.
 */
export type AuthorizedRequest = { baseUrl: string; headers: Record<string, string>; query: Record<string, string> };

export function templateVars(
  credentials: ConnectionCredentials,
  connectionConfig: Record<string, string>,
): TemplateVars {
  const vars: TemplateVars = { connectionConfig };
  const accessToken = accessTokenOf(credentials);
  if (accessToken !== undefined) vars.accessToken = accessToken;
  switch (credentials.type) {
    case 'JWT':
      vars.credentials = credentials.fields;
      break;
    case 'API_KEY':
      vars.apiKey = credentials.apiKey;
      vars.credentials = { apiKey: credentials.apiKey };
      break;
    case 'BASIC':
      vars.username = credentials.username;
      vars.password = credentials.password;
      vars.credentials = { username: credentials.username, password: credentials.password };
      break;
    default:
      break;
  }
  return vars;
}

export type AuthorizeFailure = {
  ok: false;
  missing: string[];
  /** Connection values that would move the request off the provider's own hosts. */
  invalid: string[];
  /** The base URL points at an address the outbound policy refuses. */
  forbidden: boolean;
};

/**
 * Base URL, headers and query for a call to the provider. `baseUrlTemplate` replaces the
 * catalog's template (a verification endpoint); `baseUrlOverride` is a caller's literal URL and is
 * never interpolated, so it cannot pull credentials into an address of its choosing. A templated
 * base URL is checked like every provider URL (workers/providers/provider-url.ts).
 */
export function authorizeRequest(
  provider: ProviderDefinition,
  credentials: ConnectionCredentials,
  connectionConfig: Record<string, string>,
  options: {
    mode: 'development' | 'production';
    allowCustomHosts: boolean;
    baseUrlTemplate?: string;
    baseUrlOverride?: string;
  },
): { ok: true; request: AuthorizedRequest } | AuthorizeFailure {
  const api = provider.api;
  const template = options.baseUrlTemplate ?? api?.baseUrl;
  if (!template && !options.baseUrlOverride)
    return { ok: false, missing: ['api.baseUrl'], invalid: [], forbidden: false };
  const vars = templateVars(credentials, connectionConfig);
  const baseUrl = options.baseUrlOverride
    ? ({ ok: true, value: options.baseUrlOverride } as const)
    : baseUrlOf(template ?? '', { provider, vars, mode: options.mode, allowCustomHosts: options.allowCustomHosts });
  const headers = interpolateAll(api?.headers ?? {}, vars);
  const query = interpolateAll(api?.query ?? {}, vars);
  const missing = [
    ...(baseUrl.ok ? [] : baseUrl.missing),
    ...(headers.ok ? [] : headers.missing),
    ...(query.ok ? [] : query.missing),
  ];
  if (!baseUrl.ok || !headers.ok || !query.ok)
    return {
      ok: false,
      missing: [...new Set(missing)],
      invalid: baseUrl.ok ? [] : baseUrl.invalid,
      forbidden: !baseUrl.ok && baseUrl.forbidden,
    };
  const out = Object.fromEntries(Object.entries(headers.value).map(([k, v]) => [k.toLowerCase(), v]));
  if (!('authorization' in out)) {
    if (vars.accessToken) out.authorization = `Bearer ${vars.accessToken}`;
    else if (credentials.type === 'BASIC')
      out.authorization = `Basic ${btoa(`${credentials.username}:${credentials.password}`)}`;
  }
  return { ok: true, request: { baseUrl: baseUrl.value, headers: out, query: query.value } };
}

function baseUrlOf(
  template: string,
  input: ProviderUrlInput,
): { ok: true; value: string } | { ok: false; missing: string[]; invalid: string[]; forbidden: boolean } {
  const result = resolveProviderUrl(template, input);
  if (result.ok) return { ok: true, value: result.url.toString() };
  switch (result.reason) {
    case 'missing':
      return { ok: false, missing: result.missing, invalid: [], forbidden: false };
    case 'host_not_allowed':
      return { ok: false, missing: [], invalid: result.fields, forbidden: false };
    case 'invalid_url':
      return { ok: false, missing: [], invalid: ['api.baseUrl'], forbidden: false };
    default:
      return { ok: false, missing: [], invalid: [], forbidden: true };
  }
}

/**
 * Base URL + a path and query exactly as given (never re-encoded) + extra query values (the
 * catalog's), with exactly one slash between base and path. Throws a TypeError for an invalid URL.
 *
 * @example joinUrl('https://api.example.com/v2/', '/users?page=2', { key: 'k' }) // https://api.example.com/v2/users?page=2&key=k
 */
export function joinUrl(baseUrl: string, pathAndQuery: string, query: Record<string, string> = {}): URL {
  const mark = pathAndQuery.indexOf('?');
  const path = (mark === -1 ? pathAndQuery : pathAndQuery.slice(0, mark)).replace(/^\/+/, '');
  const fullQuery = [
    mark === -1 ? '' : pathAndQuery.slice(mark + 1),
    ...Object.entries(query).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`),
  ]
    .filter(Boolean)
    .join('&');
  const joined = path ? `${baseUrl.replace(/\/+$/, '')}/${path}` : baseUrl;
  return new URL(fullQuery ? `${joined}?${fullQuery}` : joined);
}
