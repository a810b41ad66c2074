import { z } from 'zod';

/**
 * Pier's own provider format: one entry per third-party API, run by generic code.
 * Quirks are declared here as properties, never special-cased in code.
 *
 * Strings marked "template" may reference `${connectionConfig.<field>}`, `${credentials.<field>}`,
 * `${apiKey}`, `${accessToken}`, `${username}`, `${password}` and may list fallbacks as `a || b`.
 *
 * @example
 * const def = providerDefinitionSchema.parse({
 *   name: 'acme', displayName: 'Acme', auth: { mode: 'API_KEY' },
 *   api: { baseUrl: 'https://api.acme.test', headers: { authorization: 'Bearer ${apiKey}' } },
 * });
 */

const template = z.string().min(1).max(2048);
const headerName = z
  .string()
  .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'must be a valid HTTP header name')
  .transform((h) => h.toLowerCase());
const stringMap = z.record(z.string().min(1).max(256), z.string().max(2048));

/** A regular expression given as a string; rejected at definition time if it does not compile. */
const regexSource = z
  .string()
  .max(1024)
  .refine((source) => {
    try {
      new RegExp(source);
      return true;
    } catch {
      return false;
    }
  }, 'must be a valid regular expression');

export const providerNameSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'lowercase letters, digits, ".", "_" and "-" only, starting with a letter or digit');

/** `api.example.com`, or `*.example.com` for any host below example.com (at least two fixed labels). */
export const hostPatternSchema = z
  .string()
  .max(253)
  .regex(
    /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/,
    'a lowercase host name, or *. followed by a domain of at least two labels',
  );

/** One field a person fills in (or the platform fills automatically) when connecting. */
export const configFieldSchema = z.object({
  title: z.string().min(1).max(200),
  description: z.string().max(1000).optional(),
  type: z.enum(['string', 'number', 'boolean']).default('string'),
  pattern: regexSource.optional(),
  example: z.string().max(500).optional(),
  /** Stripped from what the user types (e.g. `https://`) before validation. */
  prefix: z.string().max(100).optional(),
  suffix: z.string().max(100).optional(),
  optional: z.boolean().default(false),
  secret: z.boolean().default(false),
  hidden: z.boolean().default(false),
  /** Filled by the platform (from the token response or a hook), never asked of the user. */
  automated: z.boolean().default(false),
  defaultValue: z.string().max(500).optional(),
  enum: z.array(z.string().max(200)).min(1).optional(),
  /** What the Connect UI shows for each `enum` value (`{ "datadoghq.eu": "EU1 (datadoghq.eu)" }`); the value itself otherwise. */
  enumLabels: z.record(z.string().max(200), z.string().min(1).max(100)).optional(),
  /**
   * Where a URL built from this value may point, when the value is a whole host or URL
   * (`https://${connectionConfig.hostname}/oauth/token`): exact hosts or `*.domain` patterns, the
   * provider's documented domains. Without it (and without `enum`) such a value is a free customer
   * host, allowed only when the integration opts in (`integration_config.allow_custom_hosts`).
   */
  hosts: z.array(hostPatternSchema).min(1).max(50).optional(),
});
export type ConfigField = z.infer<typeof configFieldSchema>;

const scopeSeparator = z.string().min(1).max(5).default(' ');
const clientAuth = z.enum(['body', 'basic']).default('body');
const tokenBodyFormat = z.enum(['form', 'json']).default('form');

const oauth2Auth = z.object({
  mode: z.literal('OAUTH2'),
  authorizationUrl: template,
  tokenUrl: template,
  refreshUrl: template.optional(),
  revocationUrl: template.optional(),
  authorizationParams: stringMap.default({}),
  tokenParams: stringMap.default({}),
  refreshParams: stringMap.default({}),
  scopeSeparator,
  defaultScopes: z.array(z.string().min(1)).default([]),
  /** PKCE S256 is sent unless a provider is known to reject it. */
  pkce: z.boolean().default(true),
  clientAuth,
  tokenBodyFormat,
  /** Token-response fields copied into the connection config (e.g. Salesforce's `instance_url`). */
  tokenResponseMetadata: z.array(z.string().min(1)).default([]),
  /** Query parameters of the OAuth callback copied into the connection config (e.g. Zoho's `accounts-server`). */
  callbackMetadata: z.array(z.string().min(1)).default([]),
  /** Dotted path to the token object when the provider nests it (e.g. Slack's `authed_user`). */
  tokenResponsePath: z.string().min(1).optional(),
  expiresInUnit: z.enum(['seconds', 'milliseconds']).default('seconds'),
  /** Refresh this many seconds before expiry (platform default: 900). */
  refreshBufferSeconds: z.number().int().min(0).max(86_400).optional(),
});

const oauth2ClientCredentialsAuth = z.object({
  mode: z.literal('OAUTH2_CC'),
  tokenUrl: template,
  tokenParams: stringMap.default({}),
  scopeSeparator,
  defaultScopes: z.array(z.string().min(1)).default([]),
  clientAuth,
  tokenBodyFormat,
  tokenResponseMetadata: z.array(z.string().min(1)).default([]),
  refreshBufferSeconds: z.number().int().min(0).max(86_400).optional(),
});

const httpMethod = z.enum(['GET', 'POST', 'PUT']).default('POST');
const oauth1Auth = z.object({
  mode: z.literal('OAUTH1'),
  requestTokenUrl: template,
  authorizationUrl: template,
  accessTokenUrl: template,
  requestParams: stringMap.default({}),
  authorizationParams: stringMap.default({}),
  tokenParams: stringMap.default({}),
  signatureMethod: z.enum(['HMAC-SHA1', 'RSA-SHA1', 'PLAINTEXT']).default('HMAC-SHA1'),
  requestHttpMethod: httpMethod,
  tokenHttpMethod: httpMethod,
});

const apiKeyAuth = z.object({
  mode: z.literal('API_KEY'),
  /** How the key is asked for in the Connect UI. */
  apiKey: configFieldSchema.optional(),
});

const basicAuth = z.object({
  mode: z.literal('BASIC'),
  username: configFieldSchema.optional(),
  password: configFieldSchema.optional(),
});

/** A GitHub-style app: an RS256 JWT signed with the app's key is exchanged for an installation token. */
const appAuth = z.object({
  mode: z.literal('APP'),
  installUrl: template,
  tokenUrl: template,
  jwtExpiresInSeconds: z.number().int().min(30).max(600).default(540),
});

/** The platform signs a JWT from credentials the user provides and sends it as the bearer token. */
const jwtAuth = z.object({
  mode: z.literal('JWT'),
  algorithm: z.enum(['RS256', 'ES256', 'HS256']),
  /** Template naming the credential that holds the signing key, e.g. `${credentials.privateKey}`. */
  signingKey: template,
  expiresInSeconds: z.number().int().min(30).max(86_400).default(300),
  header: stringMap.default({}),
  claims: z.record(z.string().min(1), z.union([z.string(), z.array(z.string())])).default({}),
  /** Fields the user provides, referenced as `${credentials.<field>}`. */
  credentials: z.record(z.string().min(1), configFieldSchema).default({}),
});

const noAuth = z.object({ mode: z.literal('NONE') });

export const authSchema = z.discriminatedUnion('mode', [
  oauth2Auth,
  oauth2ClientCredentialsAuth,
  oauth1Auth,
  apiKeyAuth,
  basicAuth,
  appAuth,
  jwtAuth,
  noAuth,
]);
export type ProviderAuth = z.infer<typeof authSchema>;
export const AUTH_MODES = ['OAUTH2', 'OAUTH2_CC', 'OAUTH1', 'API_KEY', 'BASIC', 'APP', 'JWT', 'NONE'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

export const paginationSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('cursor'),
    cursorPathInResponse: z.string().min(1),
    cursorNameInRequest: z.string().min(1),
    limitNameInRequest: z.string().min(1).optional(),
    responsePath: z.string().min(1).optional(),
  }),
  z.object({
    type: z.literal('link'),
    /** `rel` of the next-page entry in a `Link` header. */
    linkRelInResponseHeader: z.string().min(1).optional(),
    /** Dotted path to a next-page URL in the body. */
    linkPathInResponseBody: z.string().min(1).optional(),
    limitNameInRequest: z.string().min(1).optional(),
    responsePath: z.string().min(1).optional(),
  }),
  z.object({
    type: z.literal('offset'),
    offsetNameInRequest: z.string().min(1),
    offsetStartValue: z.number().int().min(0).default(0),
    /** `per-page` adds 1 per page (page numbers); `by-response-size` adds the records received. */
    offsetCalculation: z.enum(['per-page', 'by-response-size']).default('by-response-size'),
    limitNameInRequest: z.string().min(1).optional(),
    responsePath: z.string().min(1).optional(),
  }),
]);
export type Pagination = z.infer<typeof paginationSchema>;

export const rateLimitSchema = z.object({
  /** Header whose value is the calls left in the current window. */
  remainingHeader: headerName.optional(),
  /** Headers whose value says when the window resets, read as `resetFormat`. */
  resetHeaders: z.array(headerName).default([]),
  resetFormat: z.enum(['epoch-seconds', 'epoch-milliseconds', 'delta-seconds', 'http-date']).default('epoch-seconds'),
  /** Headers whose value is seconds to wait (standard `retry-after` is always honoured). */
  retryAfterHeaders: z.array(headerName).default([]),
  /** Status codes worth retrying for this provider besides network errors, 429 and 5xx. */
  retryOn: z.array(z.number().int().min(400).max(599)).default([]),
});

/**
 * How a provider signs its webhooks, checked with the integration's `webhook_secret` (or, without
 * one, its client secret: HubSpot and Shopify sign with the app's secret). `shared-secret`: the
 * header carries the secret itself. `format: 'stripe'`: the header is `t=<timestamp>,v1=<digest>…`.
 */
export const webhookSignatureSchema = z.object({
  algorithm: z.enum(['hmac-sha256', 'hmac-sha1', 'shared-secret']),
  header: headerName,
  encoding: z.enum(['hex', 'base64']).default('hex'),
  /** Text before the digest in the header, e.g. `sha256=`. */
  prefix: z.string().max(50).optional(),
  format: z.enum(['digest', 'stripe']).default('digest'),
  /** What is signed: `{body}`, `{timestamp}`, `{method}`, `{url}` are replaced. */
  signedPayload: z.string().min(1).max(200).default('{body}'),
  timestampHeader: headerName.optional(),
  timestampUnit: z.enum(['seconds', 'milliseconds']).default('seconds'),
  toleranceSeconds: z.number().int().min(1).max(86_400).optional(),
});

export const webhooksSchema = z.object({
  signature: webhookSignatureSchema.optional(),
  /**
   * Match an incoming event to connections: the value at the payload path (dotted) equals the
   * connection-config field of that name, or the metadata field when written `metadata.<field>`.
   */
  connectionLookup: z.object({ payloadPath: z.string().min(1), connectionConfigField: z.string().min(1) }).optional(),
  /** Dotted path of the event type in the payload (or `header:<name>`), matched against syncs' `webhookSubscriptions`. */
  eventTypePath: z.string().min(1).optional(),
});

export const apiSchema = z.object({
  baseUrl: template,
  headers: stringMap.default({}),
  query: stringMap.default({}),
  decompress: z.boolean().default(false),
  /** A cheap authenticated call that proves credentials work. */
  verification: z
    .object({
      method: z.enum(['GET', 'POST']).default('GET'),
      path: z.string().min(1).max(1024),
      headers: stringMap.default({}),
      baseUrlOverride: template.optional(),
    })
    .optional(),
  pagination: paginationSchema.optional(),
  rateLimit: rateLimitSchema.optional(),
});

const docsUrl = z.url({ protocol: /^https?$/ });

export const providerDefinitionSchema = z
  .object({
    name: providerNameSchema,
    displayName: z.string().min(1).max(200),
    categories: z.array(z.string().min(1).max(50)).default([]),
    docs: docsUrl.optional(),
    docsConnect: docsUrl.optional(),
    auth: authSchema,
    connectionConfig: z.record(z.string().min(1).max(100), configFieldSchema).default({}),
    api: apiSchema.optional(),
    webhooks: webhooksSchema.optional(),
  })
  .superRefine((def, ctx) => {
    for (const issue of findUndeclaredTemplateFields(def)) ctx.addIssue({ code: 'custom', ...issue });
  });

/** Input form of a definition (defaults may be omitted). */
export type ProviderDefinitionInput = z.input<typeof providerDefinitionSchema>;
/** A validated definition with defaults applied. */
export type ProviderDefinition = z.output<typeof providerDefinitionSchema>;

const TEMPLATE_VAR = /\$\{([^}]+)\}/g;

/** Every `${connectionConfig.x}` a definition uses must be declared, or filled from the token response. */
function findUndeclaredTemplateFields(def: {
  auth: ProviderAuth;
  connectionConfig: Record<string, unknown>;
  api?: { baseUrl: string; headers: Record<string, string>; query: Record<string, string> } | undefined;
}): { path: (string | number)[]; message: string }[] {
  const declared = new Set(Object.keys(def.connectionConfig));
  if ('tokenResponseMetadata' in def.auth) for (const field of def.auth.tokenResponseMetadata) declared.add(field);
  if ('callbackMetadata' in def.auth) for (const field of def.auth.callbackMetadata) declared.add(field);
  const places: [(string | number)[], string][] = [];
  for (const [key, value] of Object.entries(def.auth)) {
    if (typeof value === 'string') places.push([['auth', key], value]);
    else if (value && typeof value === 'object' && !Array.isArray(value))
      for (const [k, v] of Object.entries(value)) if (typeof v === 'string') places.push([['auth', key, k], v]);
  }
  if (def.api) {
    places.push([['api', 'baseUrl'], def.api.baseUrl]);
    for (const [k, v] of Object.entries(def.api.headers)) places.push([['api', 'headers', k], v]);
    for (const [k, v] of Object.entries(def.api.query)) places.push([['api', 'query', k], v]);
  }
  const issues: { path: (string | number)[]; message: string }[] = [];
  for (const [path, text] of places) {
    for (const match of text.matchAll(TEMPLATE_VAR)) {
      const variable = match[1]?.trim() ?? '';
      if (!variable.startsWith('connectionConfig.')) continue;
      const field = variable.slice('connectionConfig.'.length);
      if (!declared.has(field))
        issues.push({
          path,
          message: `uses \${connectionConfig.${field}} but connectionConfig does not declare "${field}"`,
        });
    }
  }
  return issues;
}
