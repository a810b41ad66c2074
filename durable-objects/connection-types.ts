/** Types crossing the ConnectionObject's RPC boundary, shared by the object and its capability modules. */
import type { ConnectionCredentials } from '../workers/auth/credentials.js';

export type ConnectionRef = { environmentId: number; integrationId: number; connectionId: string };

export type TokenOutcome =
  | { ok: true; credentials: ConnectionCredentials; refreshed: boolean }
  | {
      ok: false;
      reason: 'no_credentials' | 'needs_reauth' | 'cooling_down' | 'expired_without_refresh_token' | 'refresh_failed';
      message: string;
      retryAtMs?: number;
    };

/** What the provider said about the rate limit in one response (see workers/proxy/retry-policy.ts). */
export type RateLimitObservation = {
  status: number;
  remaining: number | null;
  resetAtMs: number | null;
  retryAtMs: number | null;
};

export type CallPermit = { ok: true; token: TokenOutcome } | { ok: false; reason: 'rate_limited'; retryAtMs: number };

export type CredentialsState = {
  hasCredentials: boolean;
  expiresAtMs: number | null;
  renewable: boolean;
  failures: number;
  cooldownUntilMs: number | null;
  needsReauth: boolean;
  lastError: string | null;
  refreshCount: number;
  alarmAtMs: number | null;
};
