import type { ProviderDefinition } from '../../sdk/contract/provider-definition.js';
import { accessTokenOf, type ConnectionCredentials } from '../auth/credentials.js';
import { interpolate, interpolateAll, type TemplateVars } from '../providers/template.js';

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

/** Values typed by an end user may become part of a host name: only host-name characters allowed. */
const HOST_VALUE = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:\d{1,5})?$/;

/**
 * Connection-config fields whose values would land inside the host of a templated URL next to
 * fixed text (`https://${connectionConfig.subdomain}.zendesk.com`) but are not plain host names:
 * `evil.example#` there would send the credentials to evil.example. A template that is a whole
 * value (`${connectionConfig.instance_url}`) is checked by the outbound policy instead.
 */
export function unsafeHostValues(template: string, connectionConfig: Record<string, string>): string[] {
  const bad: string[] = [];
  for (const alternative of template.split('||')) {
    const authority = /^\s*(?:https?:\/\/)?([^/?#]*)/i.exec(alternative)?.[1] ?? '';
    const trimmed = alternative.trim();
    if (/^\$\{[^}]+\}$/.test(trimmed)) continue;
    for (const match of authority.matchAll(/\$\{\s*connectionConfig\.([A-Za-z0-9_.-]+)\s*\}/g)) {
      const name = match[1] ?? '';
      const value = connectionConfig[name];
      if (value !== undefined && value !== '' && !HOST_VALUE.test(value)) bad.push(`connectionConfig.${name}`);
    }
  }
  return [...new Set(bad)];
}

export type AuthorizeFailure = { ok: false; missing: string[]; invalid: string[] };

/**
 * Base URL, headers and query for a call to the provider. `baseUrlTemplate` replaces the
 * catalog's template (a verification endpoint); `baseUrlOverride` is a caller's literal URL and is
 * never interpolated, so it cannot pull credentials into an address of its choosing.
 */
export function authorizeRequest(
  provider: ProviderDefinition,
  credentials: ConnectionCredentials,
  connectionConfig: Record<string, string>,
  options: { baseUrlTemplate?: string; baseUrlOverride?: string } = {},
): { ok: true; request: AuthorizedRequest } | AuthorizeFailure {
  const api = provider.api;
  const template = options.baseUrlTemplate ?? api?.baseUrl;
  if (!template && !options.baseUrlOverride) return { ok: false, missing: ['api.baseUrl'], invalid: [] };
  const vars = templateVars(credentials, connectionConfig);
  const baseUrl = options.baseUrlOverride
    ? ({ ok: true, value: options.baseUrlOverride } as const)
    : interpolate(template ?? '', vars);
  const invalid = options.baseUrlOverride ? [] : unsafeHostValues(template ?? '', connectionConfig);
  const headers = interpolateAll(api?.headers ?? {}, vars);
  const query = interpolateAll(api?.query ?? {}, vars);
  const missing = [
    ...(baseUrl.ok ? [] : baseUrl.missing),
    ...(headers.ok ? [] : headers.missing),
    ...(query.ok ? [] : query.missing),
  ];
  if (!baseUrl.ok || !headers.ok || !query.ok || invalid.length > 0)
    return { ok: false, missing: [...new Set(missing)], invalid };
  const out = Object.fromEntries(Object.entries(headers.value).map(([k, v]) => [k.toLowerCase(), v]));
  if (!('authorization' in out)) {
    if (vars.accessToken) out.authorization = `Bearer ${vars.accessToken}`;
    else if (credentials.type === 'BASIC')
      out.authorization = `Basic ${btoa(`${credentials.username}:${credentials.password}`)}`;
  }
  return { ok: true, request: { baseUrl: baseUrl.value, headers: out, query: query.value } };
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
