import { z } from 'zod';
import { isoDateTime } from './common.js';
import { connectionIdSchema } from './connections.js';

export { PROXY_HEADERS, PROXY_RESPONSE_HEADERS } from './proxy-headers.js';

export const proxyPathSchema = z.object({
  path: z.string().describe('The provider path, after its base URL; the query string is forwarded as sent'),
});

export const proxyHeadersSchema = z.object({
  'connection-id': connectionIdSchema.describe('The connection to call as'),
  'provider-config-key': z.string().min(1).max(255).describe('The integration’s unique key'),
  retries: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .describe(
      'Retries on network errors, 5xx and 429 (default 3 for idempotent methods, 0 for POST/PATCH); values above 10 count as 10',
    ),
  'retry-on': z.string().optional().describe('Extra status codes to retry, comma-separated'),
  'base-url-override': z.string().optional().describe('Call this base URL instead of the provider’s'),
  decompress: z.enum(['true', 'false']).optional().describe('Return the body decoded (no Content-Encoding)'),
  'forward-headers-on-redirect': z
    .enum(['true', 'false'])
    .optional()
    .describe('Send credentials along when the provider redirects to another host'),
  'pier-rate-limit-wait': z.coerce
    .number()
    .int()
    .min(0)
    .max(300)
    .optional()
    .describe('Seconds to wait for the connection’s rate limit (default 30); 0 answers 429 at once'),
});

/** `proxy`: a call through /proxy; `auth`: a token refresh (its outcome, never the tokens). */
export const OPERATION_TYPES = ['proxy', 'auth', 'action', 'sync', 'on-event', 'script_log', 'webhook'] as const;

export const operationSchema = z.object({
  id: z.string(),
  type: z.enum(OPERATION_TYPES),
  outcome: z.enum(['success', 'failure']),
  created_at: isoDateTime,
  connection_id: z.string().nullable(),
  provider_config_key: z.string().nullable(),
  provider: z.string().nullable(),
  method: z.string().nullable(),
  /** Proxy: path and query as the caller sent them, secret-looking values redacted; auth: `token refresh`; scripts: the script's name. */
  path: z.string().nullable(),
  status: z.number().int().nullable(),
  duration_ms: z.number().int(),
  retries: z.number().int(),
  bytes: z.number().int().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  /** `script_log` lines: what the script logged (`method` holds its level). */
  message: z.string().optional(),
  /** The request, or for scripts the run, the line belongs to (a run's calls and logs share it). */
  request_id: z.string().nullable(),
});
export type Operation = z.infer<typeof operationSchema>;

export const listLogsQuerySchema = z.strictObject({
  connection_id: z.string().min(1).max(255).optional(),
  provider_config_key: z.string().min(1).max(255).optional(),
  type: z.enum(OPERATION_TYPES).optional(),
  /** `success`, `failure`, or one HTTP status (e.g. `429`). */
  status: z.union([z.enum(['success', 'failure']), z.string().regex(/^[1-5]\d\d$/, 'an HTTP status code')]).optional(),
  from: isoDateTime.optional(),
  to: isoDateTime.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().min(1).max(200).optional(),
});

export const listLogsResponseSchema = z.object({
  data: z.array(operationSchema),
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  next_cursor: z.string().nullable(),
});
