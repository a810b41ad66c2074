/** The retry schedule of webhook deliveries and its settings: pure, read from the Worker's env. */

export type DeliverySettings = {
  timeoutMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  breakerFailures: number;
  breakerCooldownMs: number;
};

const positive = (value: string | undefined, fallback: number, max: number) => {
  const n = Number(value);
  return value !== undefined && value !== '' && Number.isFinite(n) && n > 0 ? Math.min(n, max) : fallback;
};

/** `PIER_WEBHOOK_*` settings; defaults suit production. */
export function deliverySettings(env: object): DeliverySettings {
  const e = env as Record<string, string | undefined>;
  return {
    timeoutMs: positive(e.PIER_WEBHOOK_TIMEOUT_SECONDS, 20, 60) * 1000,
    maxAttempts: Math.floor(positive(e.PIER_WEBHOOK_MAX_ATTEMPTS, 12, 50)),
    retryBaseMs: positive(e.PIER_WEBHOOK_RETRY_BASE_SECONDS, 2, 3600) * 1000,
    retryMaxMs: positive(e.PIER_WEBHOOK_RETRY_MAX_SECONDS, 3600, 43_200) * 1000,
    breakerFailures: Math.floor(positive(e.PIER_WEBHOOK_BREAKER_FAILURES, 5, 1000)),
    breakerCooldownMs: positive(e.PIER_WEBHOOK_BREAKER_COOLDOWN_SECONDS, 60, 3600) * 1000,
  };
}

/** Delay before attempt `attempts + 1`: exponential, half fixed and half random ("equal jitter"). */
export function retryDelayMs(settings: DeliverySettings, attempts: number, random = Math.random()): number {
  const ceiling = Math.min(settings.retryMaxMs, settings.retryBaseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}
