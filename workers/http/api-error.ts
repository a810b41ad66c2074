import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorCode, ValidationIssue } from '../../sdk/contract/errors.js';

/**
 * The one error type the HTTP edge turns into `{ error: { code, message, errors? } }`.
 *
 * @example throw new ApiError('unknown_provider_config', 404, 'No integration "github" in this environment');
 */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly code: ErrorCode,
    readonly status: ContentfulStatusCode,
    message: string,
    readonly errors?: ValidationIssue[],
    readonly headers?: Record<string, string>,
    /** Extra members of the error body (action failures: `payload`, `upstream`). */
    readonly extra?: { payload?: unknown; upstream?: unknown },
  ) {
    super(message);
  }
}

/** `Retry-After` in whole seconds (at least 1) until `atMs`. */
export function retryAfterHeader(atMs: number): { 'Retry-After': string } {
  return { 'Retry-After': String(Math.max(1, Math.ceil((atMs - Date.now()) / 1000))) };
}
