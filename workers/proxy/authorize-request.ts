import type { ProviderDefinition } from '../../sdk/contract/provider-definition.js';
import type { ConnectionCredentials } from '../auth/credentials.js';
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
  switch (credentials.type) {
    case 'OAUTH2':
    case 'APP':
      vars.accessToken = credentials.access_token;
      break;
    case 'OAUTH2_CC':
      vars.accessToken = credentials.token;
      break;
    case 'JWT':
      vars.accessToken = credentials.token;
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

export function authorizeRequest(
  provider: ProviderDefinition,
  credentials: ConnectionCredentials,
  connectionConfig: Record<string, string>,
  baseUrlTemplate?: string,
): { ok: true; request: AuthorizedRequest } | { ok: false; missing: string[] } {
  const api = provider.api;
  if (!api && !baseUrlTemplate) return { ok: false, missing: ['api.baseUrl'] };
  const vars = templateVars(credentials, connectionConfig);
  const baseUrl = interpolate(baseUrlTemplate ?? api?.baseUrl ?? '', vars);
  const headers = interpolateAll(api?.headers ?? {}, vars);
  const query = interpolateAll(api?.query ?? {}, vars);
  const missing = [
    ...(baseUrl.ok ? [] : baseUrl.missing),
    ...(headers.ok ? [] : headers.missing),
    ...(query.ok ? [] : query.missing),
  ];
  if (!baseUrl.ok || !headers.ok || !query.ok) return { ok: false, missing: [...new Set(missing)] };
  const out = { ...headers.value };
  if (!('authorization' in out)) {
    if (vars.accessToken) out.authorization = `Bearer ${vars.accessToken}`;
    else if (credentials.type === 'BASIC')
      out.authorization = `Basic ${btoa(`${credentials.username}:${credentials.password}`)}`;
  }
  return { ok: true, request: { baseUrl: baseUrl.value, headers: out, query: query.value } };
}

/** Joins a base URL and a path the way the proxy does: exactly one slash between them. */
export function joinUrl(baseUrl: string, path: string, query: Record<string, string> = {}): URL {
  const url = new URL(`${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  return url;
}
