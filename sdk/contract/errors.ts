import { z } from 'zod';

/** Every error code Pier's API returns. Stable, snake_case, shared by the server and the SDK. */
export const ERROR_CODES = [
  'invalid_body',
  'invalid_query_params',
  'invalid_headers',
  'invalid_path_params',
  'invalid_json',
  'unsupported_media_type',
  'payload_too_large',
  'missing_auth_header',
  'malformed_auth_header',
  'unauthorized',
  'forbidden',
  'not_found',
  'unknown_environment',
  'unknown_api_key',
  'unknown_provider_config',
  'unknown_provider',
  'duplicate_environment',
  'duplicate_api_key',
  'duplicate_integration',
  'duplicate_provider',
  'builtin_provider',
  'provider_in_use',
  'reserved_environment',
  'last_api_key',
  'invalid_credentials',
  'unknown_connection',
  'invalid_connect_session',
  'integration_not_allowed',
  'wrong_auth_mode',
  'invalid_connection_config',
  'missing_credentials',
  'invalid_state',
  'oauth_error',
  'connection_test_failed',
  'connection_validation_failed',
  'connection_refresh_failed',
  'forbidden_url',
  'host_not_allowed',
  'client_override_not_allowed',
  'rate_limited',
  'upstream_unreachable',
  'upstream_timeout',
  'upstream_error',
  'unknown_function',
  'unknown_model',
  'unknown_sync',
  'duplicate_sync_variant',
  'ambiguous_function',
  'unknown_action',
  'invalid_action_input',
  'invalid_action_output',
  'action_script_failure',
  'script_error',
  'script_http_error',
  'script_timeout',
  'script_not_deployed',
  'unknown_async_action',
  'action_not_completed',
  'destructive_changes',
  'network_not_allowed',
  'run_expired',
  'webhooks_not_supported',
  'webhook_secret_missing',
  'missing_webhook_signature',
  'invalid_webhook_signature',
  'stale_webhook_timestamp',
  'internal_error',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** One validation problem, as zod reports it. */
export const validationIssueSchema = z.object({
  code: z.string(),
  path: z.array(z.union([z.string(), z.number()])),
  message: z.string(),
});
export type ValidationIssue = z.infer<typeof validationIssueSchema>;

/** `{ error: { code, message, errors? } }`, the body of every non-2xx response. */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string().optional(),
    errors: z.array(validationIssueSchema).optional(),
    /** Action failures: what the script's `ActionError` carried. */
    payload: z.unknown().optional(),
    /** Action failures caused by a provider's answer: its status, rate-limit headers and body. */
    upstream: z.object({ status: z.number(), headers: z.record(z.string(), z.string()), body: z.unknown() }).optional(),
    request_id: z.string().optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;
