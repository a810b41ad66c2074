import type { ValidationIssue } from './contract/errors.js';

/**
 * Thrown by the SDK for any non-2xx answer. `code` is the API's stable error code.
 *
 * @example
 * try { await pier.getIntegration('github') } catch (e) { if (e instanceof PierError && e.code === 'unknown_provider_config') … }
 */
export class PierError extends Error {
  override name = 'PierError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: ValidationIssue[] = [],
    readonly requestId: string | undefined = undefined,
    /** Action failures: the script's `ActionError` payload, and the provider's answer when one caused it. */
    readonly details: {
      payload?: unknown;
      upstream?: { status: number; headers: Record<string, string>; body: unknown };
    } = {},
  ) {
    super(message);
  }
}
