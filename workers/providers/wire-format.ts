import type { z } from 'zod';
import {
  type ConfigField,
  type Pagination,
  type ProviderDefinition,
  type ProviderDefinitionInput,
  providerDefinitionSchema,
} from '../../sdk/contract/provider-definition.js';
import type { WireProvider, wireConfigFieldSchema, wirePaginationSchema } from '../../sdk/contract/providers.js';

/**
 * Converts between Pier's provider format and the wire shape (Nango's catalog field names).
 * `toWireProvider(fromWireProvider(x))` keeps every field Pier understands, and
 * `fromWireProvider(toWireProvider(def))` gives back `def` exactly; a test runs both over the catalog.
 */

type WireField = z.infer<typeof wireConfigFieldSchema>;
type WirePagination = z.infer<typeof wirePaginationSchema>;

export type ConversionIssue = { path: (string | number)[]; message: string };
export type ConversionResult = { ok: true; definition: ProviderDefinition } | { ok: false; issues: ConversionIssue[] };

const SUPPORTED_MODES = new Set(['OAUTH2', 'OAUTH2_CC', 'OAUTH1', 'API_KEY', 'BASIC', 'APP', 'JWT', 'NONE']);

/** Turns `instance_url` or `subdomain` into a readable title when a definition gives none. */
export function humanizeFieldName(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[_\-\s]+/)
    .filter(Boolean);
  const upper = new Set(['id', 'url', 'api', 'uri', 'sid', 'dc', 'ip', 'oauth', 'jwt']);
  return words
    .map((w) => (upper.has(w.toLowerCase()) ? w.toUpperCase() : w.charAt(0).toUpperCase() + w.slice(1)))
    .join(' ');
}

function fieldFromWire(name: string, field: WireField): Record<string, unknown> {
  return dropUndefined({
    title: field.title ?? humanizeFieldName(name),
    description: field.description,
    type: field.type,
    pattern: field.pattern,
    example: field.example === undefined ? undefined : String(field.example),
    prefix: field.prefix,
    suffix: field.suffix,
    optional: field.optional,
    secret: field.secret,
    hidden: field.hidden,
    automated: field.automated,
    defaultValue: field.default_value === undefined ? undefined : String(field.default_value),
    enum: field.enum,
    enumLabels: field.enum_labels,
    hosts: field.hosts,
  });
}

function fieldToWire(field: ConfigField): WireField {
  return dropUndefined({
    type: field.type,
    title: field.title,
    description: field.description,
    pattern: field.pattern,
    example: field.example,
    prefix: field.prefix,
    suffix: field.suffix,
    optional: field.optional || undefined,
    secret: field.secret || undefined,
    hidden: field.hidden || undefined,
    automated: field.automated || undefined,
    default_value: field.defaultValue,
    enum: field.enum,
    enum_labels: field.enumLabels,
    hosts: field.hosts,
  });
}

function stringify(params: Record<string, unknown> | undefined): Record<string, string> | undefined {
  if (!params) return undefined;
  return Object.fromEntries(
    Object.entries(params).map(([k, v]) => [
      k,
      typeof v === 'string' ? v : Array.isArray(v) ? v.join(',') : JSON.stringify(v),
    ]),
  );
}

function asList(value: string | string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value : [value];
}

function paginationFromWire(p: WirePagination): Record<string, unknown> {
  const common = { limitNameInRequest: p.limit_name_in_request, responsePath: p.response_path };
  switch (p.type) {
    case 'cursor':
      return dropUndefined({
        type: 'cursor',
        cursorPathInResponse: p.cursor_path_in_response,
        cursorNameInRequest: p.cursor_name_in_request,
        ...common,
      });
    case 'link':
      return dropUndefined({
        type: 'link',
        linkRelInResponseHeader: p.link_rel_in_response_header,
        linkPathInResponseBody: p.link_path_in_response_body,
        ...common,
      });
    case 'offset':
      return dropUndefined({
        type: 'offset',
        offsetNameInRequest: p.offset_name_in_request,
        offsetStartValue: p.offset_start_value,
        offsetCalculation: p.offset_calculation_method,
        ...common,
      });
  }
}

export function paginationToWire(p: Pagination): WirePagination {
  const common = { limit_name_in_request: p.limitNameInRequest, response_path: p.responsePath };
  switch (p.type) {
    case 'cursor':
      return dropUndefined({
        type: 'cursor' as const,
        cursor_path_in_response: p.cursorPathInResponse,
        cursor_name_in_request: p.cursorNameInRequest,
        ...common,
      });
    case 'link':
      return dropUndefined({
        type: 'link' as const,
        link_rel_in_response_header: p.linkRelInResponseHeader,
        link_path_in_response_body: p.linkPathInResponseBody,
        ...common,
      });
    case 'offset':
      return dropUndefined({
        type: 'offset' as const,
        offset_name_in_request: p.offsetNameInRequest,
        offset_start_value: p.offsetStartValue,
        offset_calculation_method: p.offsetCalculation,
        ...common,
      });
  }
}

function tokenUrlFor(wire: WireProvider): string | undefined {
  if (typeof wire.token_url === 'string' || wire.token_url === undefined) return wire.token_url;
  return wire.token_url[wire.auth_mode];
}

const JWT_ALGORITHMS = { RSA: 'RS256', EC: 'ES256', HMAC: 'HS256' } as const;

function authFromWire(wire: WireProvider, issues: ConversionIssue[]): Record<string, unknown> {
  const tokenUrl = tokenUrlFor(wire);
  const clientAuth =
    wire.token_request_auth_method === 'basic' || wire.authorization_method === 'header' ? 'basic' : undefined;
  const oauthCommon = {
    tokenUrl,
    tokenParams: stringify(wire.token_params),
    scopeSeparator: wire.scope_separator,
    defaultScopes: wire.default_scopes,
    clientAuth,
    tokenBodyFormat: wire.body_format,
    tokenResponseMetadata: wire.token_response_metadata,
    refreshBufferSeconds: wire.token_expiration_buffer,
  };
  switch (wire.auth_mode) {
    case 'OAUTH2':
      return dropUndefined({
        mode: 'OAUTH2',
        authorizationUrl: wire.authorization_url,
        refreshUrl: wire.refresh_url,
        revocationUrl: wire.revocation_url,
        authorizationParams: stringify(wire.authorization_params),
        refreshParams: stringify(wire.refresh_params),
        pkce: wire.disable_pkce === undefined ? undefined : !wire.disable_pkce,
        tokenResponsePath: wire.alternate_access_token_response_path,
        callbackMetadata: wire.redirect_uri_metadata,
        expiresInUnit: wire.expires_in_unit,
        ...oauthCommon,
      });
    case 'OAUTH2_CC':
      return dropUndefined({ mode: 'OAUTH2_CC', ...oauthCommon });
    case 'OAUTH1':
      return dropUndefined({
        mode: 'OAUTH1',
        requestTokenUrl: wire.request_url,
        authorizationUrl: wire.authorization_url,
        accessTokenUrl: tokenUrl,
        requestParams: wire.request_params,
        authorizationParams: stringify(wire.authorization_params),
        tokenParams: stringify(wire.token_params),
        signatureMethod: wire.signature_method,
        requestHttpMethod: wire.request_http_method,
        tokenHttpMethod: wire.token_http_method,
      });
    case 'API_KEY': {
      const apiKey = wire.credentials?.apiKey;
      return dropUndefined({ mode: 'API_KEY', apiKey: apiKey ? fieldFromWire('apiKey', apiKey) : undefined });
    }
    case 'BASIC': {
      const { username, password } = wire.credentials ?? {};
      return dropUndefined({
        mode: 'BASIC',
        username: username ? fieldFromWire('username', username) : undefined,
        password: password ? fieldFromWire('password', password) : undefined,
      });
    }
    case 'APP':
      return dropUndefined({
        mode: 'APP',
        installUrl: wire.authorization_url,
        tokenUrl,
        jwtExpiresInSeconds: wire.app_jwt_expires_in_seconds,
      });
    case 'JWT': {
      if (!wire.token) issues.push({ path: ['token'], message: 'JWT providers need `token.signing_key`' });
      const header = { ...(wire.token?.header ?? {}) };
      const algorithmFromHeader = typeof header.alg === 'string' ? header.alg : undefined;
      delete header.alg;
      const claims = Object.fromEntries(
        Object.entries(wire.token?.payload ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : String(v)]),
      );
      return dropUndefined({
        mode: 'JWT',
        algorithm: algorithmFromHeader ?? (wire.signature ? JWT_ALGORITHMS[wire.signature.protocol] : undefined),
        signingKey: wire.token?.signing_key,
        expiresInSeconds:
          wire.token?.expires_in_ms === undefined ? undefined : Math.round(wire.token.expires_in_ms / 1000),
        header: stringify(header),
        claims,
        credentials: wire.credentials
          ? Object.fromEntries(Object.entries(wire.credentials).map(([k, f]) => [k, fieldFromWire(k, f)]))
          : undefined,
      });
    }
    case 'NONE':
      return { mode: 'NONE' };
    default:
      issues.push({
        path: ['auth_mode'],
        message: `auth_mode "${wire.auth_mode}" is not supported; use one of ${[...SUPPORTED_MODES].join(', ')}`,
      });
      return { mode: wire.auth_mode };
  }
}

/** Reads a definition written with the wire (Nango catalog) field names into Pier's format. */
export function fromWireProvider(wire: WireProvider): ConversionResult {
  const issues: ConversionIssue[] = [];
  const auth = authFromWire(wire, issues);
  const connectionConfig: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(wire.connection_config ?? {}))
    connectionConfig[name] = fieldFromWire(name, field);
  // The older list form names fields the platform fills in after connecting.
  for (const name of wire.connection_configuration ?? [])
    connectionConfig[name] ??= { title: humanizeFieldName(name), automated: true, optional: true };

  const proxy = wire.proxy;
  const retry = proxy?.retry;
  const input: Record<string, unknown> = dropUndefined({
    name: wire.name,
    displayName: wire.display_name,
    categories: wire.categories,
    docs: wire.docs,
    docsConnect: wire.docs_connect,
    auth,
    connectionConfig,
    api: proxy
      ? dropUndefined({
          baseUrl: proxy.base_url,
          headers: proxy.headers,
          query: proxy.query,
          decompress: proxy.decompress,
          verification: proxy.verification
            ? dropUndefined({
                method: proxy.verification.method?.toUpperCase(),
                path: proxy.verification.endpoints?.[0] ?? proxy.verification.endpoint,
                headers: proxy.verification.headers,
                baseUrlOverride: proxy.verification.base_url_override,
              })
            : undefined,
          pagination: proxy.paginate ? paginationFromWire(proxy.paginate) : undefined,
          rateLimit: retry
            ? dropUndefined({
                remainingHeader: retry.remaining,
                resetHeaders: asList(retry.at),
                resetFormat: retry.reset_format,
                retryAfterHeaders: asList(retry.after),
                // "5xx" is always retried; only explicit codes are kept.
                retryOn: retry.error_code
                  ?.map((c) => Number(c))
                  .filter((c) => Number.isInteger(c) && c >= 400 && c <= 599),
              })
            : undefined,
        })
      : undefined,
    webhooks:
      wire.webhook_signature || wire.webhook_connection_lookup || wire.webhook_event_type_path
        ? dropUndefined({
            signature: wire.webhook_signature
              ? dropUndefined({
                  algorithm: wire.webhook_signature.algorithm,
                  header: wire.webhook_signature.header,
                  encoding: wire.webhook_signature.encoding,
                  prefix: wire.webhook_signature.prefix,
                  format: wire.webhook_signature.format,
                  signedPayload: wire.webhook_signature.signed_payload,
                  timestampHeader: wire.webhook_signature.timestamp_header,
                  timestampUnit: wire.webhook_signature.timestamp_unit,
                  toleranceSeconds: wire.webhook_signature.tolerance_seconds,
                })
              : undefined,
            connectionLookup: wire.webhook_connection_lookup
              ? {
                  payloadPath: wire.webhook_connection_lookup.payload_path,
                  connectionConfigField: wire.webhook_connection_lookup.connection_config_field,
                }
              : undefined,
            eventTypePath: wire.webhook_event_type_path,
          })
        : undefined,
  });
  if (issues.length > 0) return { ok: false, issues };
  const parsed = providerDefinitionSchema.safeParse(input satisfies Record<string, unknown> as ProviderDefinitionInput);
  if (!parsed.success)
    return {
      ok: false,
      issues: parsed.error.issues.map((i) => ({
        path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
        message: i.message,
      })),
    };
  return { ok: true, definition: parsed.data };
}

function nonEmpty<T extends object>(value: T): T | undefined {
  return Object.keys(value).length > 0 ? value : undefined;
}

function nonEmptyList<T>(value: T[]): T[] | undefined {
  return value.length > 0 ? value : undefined;
}

/** Writes a definition in the wire shape; default values are left out, as the catalog it mirrors does. */
export function toWireProvider(def: ProviderDefinition, options: { custom?: boolean } = {}): WireProvider {
  const auth = def.auth;
  const wire: WireProvider = {
    name: def.name,
    display_name: def.displayName,
    auth_mode: auth.mode,
    categories: def.categories,
  };
  if (def.docs) wire.docs = def.docs;
  if (def.docsConnect) wire.docs_connect = def.docsConnect;
  const credentials: Record<string, WireField> = {};
  switch (auth.mode) {
    case 'OAUTH2':
    case 'OAUTH2_CC':
      if (auth.mode === 'OAUTH2') {
        wire.authorization_url = auth.authorizationUrl;
        if (auth.refreshUrl) wire.refresh_url = auth.refreshUrl;
        if (auth.revocationUrl) wire.revocation_url = auth.revocationUrl;
        wire.authorization_params = nonEmpty(auth.authorizationParams);
        wire.refresh_params = nonEmpty(auth.refreshParams);
        if (!auth.pkce) wire.disable_pkce = true;
        if (auth.tokenResponsePath) wire.alternate_access_token_response_path = auth.tokenResponsePath;
        wire.redirect_uri_metadata = nonEmptyList(auth.callbackMetadata);
        if (auth.expiresInUnit !== 'seconds') wire.expires_in_unit = auth.expiresInUnit;
      }
      wire.token_url = auth.tokenUrl;
      wire.token_params = nonEmpty(auth.tokenParams);
      if (auth.scopeSeparator !== ' ') wire.scope_separator = auth.scopeSeparator;
      wire.default_scopes = nonEmptyList(auth.defaultScopes);
      if (auth.clientAuth === 'basic') wire.token_request_auth_method = 'basic';
      if (auth.tokenBodyFormat !== 'form') wire.body_format = auth.tokenBodyFormat;
      wire.token_response_metadata = nonEmptyList(auth.tokenResponseMetadata);
      if (auth.refreshBufferSeconds !== undefined) wire.token_expiration_buffer = auth.refreshBufferSeconds;
      break;
    case 'OAUTH1':
      wire.request_url = auth.requestTokenUrl;
      wire.authorization_url = auth.authorizationUrl;
      wire.token_url = auth.accessTokenUrl;
      wire.request_params = nonEmpty(auth.requestParams);
      wire.authorization_params = nonEmpty(auth.authorizationParams);
      wire.token_params = nonEmpty(auth.tokenParams);
      wire.signature_method = auth.signatureMethod;
      wire.request_http_method = auth.requestHttpMethod;
      wire.token_http_method = auth.tokenHttpMethod;
      break;
    case 'API_KEY':
      if (auth.apiKey) credentials.apiKey = fieldToWire(auth.apiKey);
      break;
    case 'BASIC':
      if (auth.username) credentials.username = fieldToWire(auth.username);
      if (auth.password) credentials.password = fieldToWire(auth.password);
      break;
    case 'APP':
      wire.authorization_url = auth.installUrl;
      wire.token_url = auth.tokenUrl;
      wire.app_jwt_expires_in_seconds = auth.jwtExpiresInSeconds;
      break;
    case 'JWT':
      wire.token = {
        signing_key: auth.signingKey,
        expires_in_ms: auth.expiresInSeconds * 1000,
        header: { alg: auth.algorithm, ...auth.header },
        payload: auth.claims,
      };
      for (const [name, field] of Object.entries(auth.credentials)) credentials[name] = fieldToWire(field);
      break;
    case 'NONE':
      break;
  }
  wire.credentials = nonEmpty(credentials);
  wire.connection_config = nonEmpty(
    Object.fromEntries(Object.entries(def.connectionConfig).map(([name, field]) => [name, fieldToWire(field)])),
  );
  if (def.api) {
    const api = def.api;
    wire.proxy = dropUndefined({
      base_url: api.baseUrl,
      headers: nonEmpty(api.headers),
      query: nonEmpty(api.query),
      decompress: api.decompress || undefined,
      verification: api.verification
        ? dropUndefined({
            method: api.verification.method,
            endpoints: [api.verification.path],
            headers: nonEmpty(api.verification.headers),
            base_url_override: api.verification.baseUrlOverride,
          })
        : undefined,
      retry: api.rateLimit
        ? dropUndefined({
            at: nonEmptyList(api.rateLimit.resetHeaders),
            after: nonEmptyList(api.rateLimit.retryAfterHeaders),
            remaining: api.rateLimit.remainingHeader,
            error_code: nonEmptyList(api.rateLimit.retryOn),
            reset_format: api.rateLimit.resetFormat === 'epoch-seconds' ? undefined : api.rateLimit.resetFormat,
          })
        : undefined,
      paginate: api.pagination ? paginationToWire(api.pagination) : undefined,
    });
  }
  const hooks = def.webhooks;
  if (hooks?.signature) {
    const s = hooks.signature;
    wire.webhook_signature = dropUndefined({
      algorithm: s.algorithm,
      header: s.header,
      encoding: s.encoding,
      prefix: s.prefix,
      format: s.format === 'digest' ? undefined : s.format,
      signed_payload: s.signedPayload,
      timestamp_header: s.timestampHeader,
      timestamp_unit: s.timestampUnit === 'seconds' ? undefined : s.timestampUnit,
      tolerance_seconds: s.toleranceSeconds,
    });
  }
  if (hooks?.connectionLookup)
    wire.webhook_connection_lookup = {
      payload_path: hooks.connectionLookup.payloadPath,
      connection_config_field: hooks.connectionLookup.connectionConfigField,
    };
  if (hooks?.eventTypePath) wire.webhook_event_type_path = hooks.eventTypePath;
  if (options.custom) wire.custom = true;
  return dropUndefined(wire);
}

/** Removes keys whose value is `undefined`, so optional fields stay absent rather than present-and-empty. */
export function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
