import { z } from 'zod';
import { providerDefinitionSchema, providerNameSchema } from './provider-definition.js';

/**
 * The provider shape on the wire. It uses the field names of Nango's catalog so that apps and
 * Connect UIs written against Nango read it unchanged; Pier's extensions are marked below.
 * The same shape is accepted by `POST /providers`, so a definition written for that catalog
 * can be pasted in as it is.
 */

const looseString = z.string().max(2048);
const stringMap = z.record(z.string(), looseString);

export const wireConfigFieldSchema = z.object({
  type: z.enum(['string', 'number', 'boolean']).optional(),
  title: z.string().max(200).optional(),
  description: z.string().max(1000).optional(),
  pattern: z.string().max(1024).optional(),
  format: z.string().max(50).optional(),
  prefix: z.string().max(100).optional(),
  suffix: z.string().max(100).optional(),
  example: z.union([z.string(), z.number()]).optional(),
  optional: z.boolean().optional(),
  automated: z.boolean().optional(),
  secret: z.boolean().optional(),
  hidden: z.boolean().optional(),
  default_value: z.union([z.string(), z.number(), z.boolean()]).optional(),
  enum: z.array(z.string()).optional(),
  /** Pier extension: a label per `enum` value for the Connect UI. */
  enum_labels: z.record(z.string(), z.string()).optional(),
  /** Pier's extension: the provider's documented hosts for a value that is a whole host or URL. */
  hosts: z.array(z.string()).optional(),
  order: z.number().optional(),
  doc_section: z.string().optional(),
});

const headerList = z.union([z.string(), z.array(z.string())]);

export const wirePaginationSchema = z.object({
  type: z.enum(['cursor', 'link', 'offset']),
  cursor_path_in_response: z.string().optional(),
  cursor_name_in_request: z.string().optional(),
  link_rel_in_response_header: z.string().optional(),
  link_path_in_response_body: z.string().optional(),
  offset_name_in_request: z.string().optional(),
  offset_start_value: z.number().optional(),
  offset_calculation_method: z.enum(['per-page', 'by-response-size']).optional(),
  limit_name_in_request: z.string().optional(),
  response_path: z.string().optional(),
});

export const wireProxySchema = z.object({
  base_url: looseString,
  headers: stringMap.optional(),
  query: stringMap.optional(),
  decompress: z.boolean().optional(),
  verification: z
    .object({
      method: z.string().optional(),
      endpoints: z.array(z.string()).optional(),
      endpoint: z.string().optional(),
      headers: stringMap.optional(),
      base_url_override: z.string().optional(),
    })
    .optional(),
  retry: z
    .object({
      at: headerList.optional(),
      after: headerList.optional(),
      remaining: z.string().optional(),
      error_code: z.array(z.union([z.number(), z.string()])).optional(),
      /** Pier extension: how `at` headers are read (default epoch seconds). */
      reset_format: z.enum(['epoch-seconds', 'epoch-milliseconds', 'delta-seconds', 'http-date']).optional(),
    })
    .optional(),
  paginate: wirePaginationSchema.optional(),
});

export const WIRE_AUTH_MODES = ['OAUTH2', 'OAUTH2_CC', 'OAUTH1', 'API_KEY', 'BASIC', 'APP', 'JWT', 'NONE'] as const;

export const wireProviderSchema = z.object({
  name: providerNameSchema,
  display_name: z.string().min(1).max(200),
  auth_mode: z.string(),
  categories: z.array(z.string()).optional(),
  docs: z.string().optional(),
  docs_connect: z.string().optional(),
  authorization_url: looseString.optional(),
  token_url: z.union([looseString, z.record(z.string(), looseString)]).optional(),
  refresh_url: looseString.optional(),
  authorization_params: z.record(z.string(), z.unknown()).optional(),
  token_params: z.record(z.string(), z.unknown()).optional(),
  refresh_params: z.record(z.string(), z.unknown()).optional(),
  scope_separator: z.string().optional(),
  default_scopes: z.array(z.string()).optional(),
  disable_pkce: z.boolean().optional(),
  body_format: z.enum(['form', 'json']).optional(),
  authorization_method: z.enum(['body', 'header']).optional(),
  token_request_auth_method: z.string().optional(),
  alternate_access_token_response_path: z.string().optional(),
  token_response_metadata: z.array(z.string()).optional(),
  redirect_uri_metadata: z.array(z.string()).optional(),
  token_expiration_buffer: z.number().optional(),
  expires_in_unit: z.enum(['milliseconds', 'seconds']).optional(),
  connection_config: z.record(z.string(), wireConfigFieldSchema).optional(),
  connection_configuration: z.array(z.string()).optional(),
  credentials: z.record(z.string(), wireConfigFieldSchema).optional(),
  request_url: looseString.optional(),
  request_params: stringMap.optional(),
  signature_method: z.enum(['HMAC-SHA1', 'RSA-SHA1', 'PLAINTEXT']).optional(),
  request_http_method: z.enum(['GET', 'POST', 'PUT']).optional(),
  token_http_method: z.enum(['GET', 'POST', 'PUT']).optional(),
  signature: z.object({ protocol: z.enum(['RSA', 'EC', 'HMAC']) }).optional(),
  token: z
    .object({
      signing_key: looseString,
      expires_in_ms: z.number().optional(),
      header: z.record(z.string(), z.unknown()).optional(),
      payload: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
  proxy: wireProxySchema.optional(),
  /** Pier extension: revocation endpoint used when a connection is deleted. */
  revocation_url: looseString.optional(),
  /** Pier extension: lifetime of the app JWT for APP providers. */
  app_jwt_expires_in_seconds: z.number().optional(),
  /** Pier extension: how incoming webhooks are signed, checked generically. */
  webhook_signature: z
    .object({
      algorithm: z.enum(['hmac-sha256', 'hmac-sha1', 'shared-secret']),
      header: z.string(),
      encoding: z.enum(['hex', 'base64']).optional(),
      prefix: z.string().optional(),
      format: z.enum(['digest', 'stripe']).optional(),
      signed_payload: z.string().optional(),
      timestamp_header: z.string().optional(),
      timestamp_unit: z.enum(['seconds', 'milliseconds']).optional(),
      tolerance_seconds: z.number().optional(),
    })
    .optional(),
  /** Pier extension: which payload field names the connection, matched against a connection-config field. */
  webhook_connection_lookup: z.object({ payload_path: z.string(), connection_config_field: z.string() }).optional(),
  /** Pier extension: where the event type sits in an incoming webhook payload. */
  webhook_event_type_path: z.string().optional(),
  /** Marks providers added with `POST /providers` (Pier extension). */
  custom: z.boolean().optional(),
  // Accepted for compatibility with definitions written for Nango's catalog; Pier does not run named scripts.
  alias: z.string().optional(),
  webhook_routing_script: z.string().optional(),
  webhook_user_defined_secret: z.boolean().optional(),
  post_connection_script: z.string().optional(),
  pre_connection_deletion_script: z.string().optional(),
  credentials_verification_script: z.string().optional(),
  setup_guide_url: z.string().optional(),
});
export type WireProvider = z.infer<typeof wireProviderSchema>;

export const listProvidersQuerySchema = z.object({
  search: z.string().max(200).optional(),
});

export const providerPathSchema = z.object({ provider: providerNameSchema });

/**
 * `POST /providers` accepts either Pier's own format (with `auth`) or the wire shape above (with `auth_mode`).
 */
export const createProviderBodySchema = z.union([providerDefinitionSchema, wireProviderSchema]);

export const providerResponseSchema = z.object({ data: wireProviderSchema });
export const providerListResponseSchema = z.object({ data: z.array(wireProviderSchema) });
