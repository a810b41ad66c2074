/**
 * Delivery of outbox events to the app's backend: the `pier-webhooks` queue consumer, the retry
 * schedule, the circuit breaker per destination and the sweep that re-sends what the queue lost.
 *
 * One attempt: claim the delivery (a lease, so two messages for it never both send), skip it while
 * its destination's breaker is open, check the URL against the outbound address policy, POST the
 * stored body with its signatures, record the outcome. Failures wait `base·2^(n-1)` seconds (equal
 * jitter, capped) and are attempted again until the last attempt, after which the delivery is
 * `failed`: the dead letters, listed and replayed through the API. The queue message is acked once
 * the outcome is in D1; the next attempt is a new message with a delay, so the queue's own retry
 * count never decides anything.
 */
import { signWebhook } from '../../sdk/webhooks/index.js';
import { RecentMap } from '../cache/recent-map.js';
import { readConfig } from '../config.js';
import { openJson } from '../crypto/secret-box.js';
import { openDb } from '../db/client.js';
import { signingKeyContext } from '../environments/signing-key.js';
import { queueOperation } from '../logs/service.js';
import { checkOutboundUrl } from '../net/outbound-policy.js';
import { PIER_VERSION } from '../version.js';
import { enqueueDeliveries } from './outbox.js';

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

/** The queue may deliver the same message twice and attempts may race: a lease makes one of them send. */
const LEASE_MARGIN_MS = 5_000;

type Claimed = {
  id: number;
  environment_id: number;
  event_uid: string;
  event_type: string;
  connection_id: string | null;
  integration_key: string | null;
  url: string;
  attempts: number;
  payload: string;
  key_enc: string;
  environment_uuid: string;
  breaker_failures: number | null;
  breaker_open_until_ms: number | null;
};

const signingKeys = new RecentMap<string>(60_000, 500);

async function signingKeyOf(env: Env, claimed: Claimed): Promise<string> {
  const cached = signingKeys.get(claimed.key_enc);
  if (cached) return cached;
  const key = await openJson<string>(readConfig(env), claimed.key_enc, signingKeyContext(claimed.environment_uuid));
  signingKeys.set(claimed.key_enc, key);
  return key;
}

async function claim(env: Env, id: number, now: number, leaseMs: number): Promise<Claimed | undefined> {
  const [, row] = await env.DB.batch<Claimed>([
    env.DB.prepare(
      `UPDATE webhook_deliveries SET lease_until_ms = ?2
       WHERE id = ?1 AND status = 'pending' AND next_attempt_at_ms <= ?3
         AND (lease_until_ms IS NULL OR lease_until_ms < ?3)`,
    ).bind(id, now + leaseMs, now + 1000),
    env.DB.prepare(
      `SELECT d.id, d.environment_id, d.event_uid, d.event_type, d.connection_id, d.integration_key, d.url,
              d.attempts, o.payload, e.webhook_signing_key_enc AS key_enc, e.uuid AS environment_uuid,
              p.failures AS breaker_failures, p.open_until_ms AS breaker_open_until_ms
       FROM webhook_deliveries d
       JOIN outbox_events o ON o.uid = d.event_uid
       JOIN environments e ON e.id = d.environment_id
       LEFT JOIN webhook_endpoints p ON p.url = d.url
       WHERE d.id = ?1 AND d.lease_until_ms = ?2 AND changes() = 1`,
    ).bind(id, now + leaseMs),
  ]);
  return row?.results[0];
}

type Outcome =
  | { kind: 'delivered'; status: number; durationMs: number }
  | { kind: 'failed'; status: number | null; durationMs: number; error: string; permanent: boolean };

async function post(
  env: Env,
  settings: DeliverySettings,
  claimed: Claimed,
  mode: 'development' | 'production',
): Promise<Outcome> {
  const started = Date.now();
  const allowed = checkOutboundUrl(claimed.url, mode);
  if (!allowed.ok)
    return {
      kind: 'failed',
      status: null,
      durationMs: 0,
      error: `The webhook URL is not allowed (${allowed.reason})`,
      permanent: true,
    };
  try {
    const key = await signingKeyOf(env, claimed);
    const headers = await signWebhook(claimed.payload, key, { id: claimed.event_uid });
    const response = await fetch(allowed.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': `Pier-Webhooks/${PIER_VERSION}`, ...headers },
      body: claimed.payload,
      // A redirect could point anywhere (a private address): it is a failure, not followed.
      redirect: 'manual',
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
    await response.body?.cancel().catch(() => undefined);
    const durationMs = Date.now() - started;
    if (response.status >= 200 && response.status < 300)
      return { kind: 'delivered', status: response.status, durationMs };
    return {
      kind: 'failed',
      status: response.status,
      durationMs,
      error: `The endpoint answered ${response.status}`,
      permanent: false,
    };
  } catch (err) {
    const timedOut = (err as Error).name === 'TimeoutError';
    return {
      kind: 'failed',
      status: null,
      durationMs: Date.now() - started,
      error: timedOut
        ? `No answer within ${settings.timeoutMs / 1000} s`
        : `Could not reach the endpoint: ${(err as Error).message}`,
      permanent: false,
    };
  }
}

/**
 * One attempt at delivery `id`; resolves once its outcome (and the next attempt, if any) is recorded.
 * Nothing to do when the delivery is not due, is leased by another attempt, or is already settled.
 */
export async function attemptDelivery(
  env: Env,
  id: number,
  waitUntil: (promise: Promise<unknown>) => void,
  settings = deliverySettings(env),
): Promise<'delivered' | 'retry' | 'failed' | 'deferred' | 'skipped'> {
  const now = Date.now();
  const claimed = await claim(env, id, now, settings.timeoutMs + LEASE_MARGIN_MS);
  if (!claimed) return 'skipped';
  // Open breaker: the destination failed repeatedly; wait for its cool-down without spending an attempt.
  // Once cooled down, one attempt is the trial (it re-arms the breaker for the others meanwhile).
  const openUntil = claimed.breaker_open_until_ms;
  const blocked =
    openUntil !== null && (openUntil > now || !(await takeTrial(env, claimed.url, openUntil, now, settings)));
  if (blocked) {
    const until = openUntil > now ? openUntil : now + settings.timeoutMs + LEASE_MARGIN_MS;
    const at = until + Math.floor(Math.random() * 1000);
    await env.DB.prepare('UPDATE webhook_deliveries SET lease_until_ms = NULL, next_attempt_at_ms = ?2 WHERE id = ?1')
      .bind(id, at)
      .run();
    await enqueueDeliveries(env, [id], Math.ceil((at - now) / 1000));
    return 'deferred';
  }
  const mode = readConfig(env).mode;
  const outcome = await post(env, settings, claimed, mode);
  const attempts = claimed.attempts + 1;
  const at = new Date().toISOString();
  const db = openDb(env.DB);
  queueOperation(
    db,
    {
      environmentId: claimed.environment_id,
      type: 'webhook',
      outcome: outcome.kind === 'delivered' ? 'success' : 'failure',
      connectionId: claimed.connection_id,
      integrationKey: claimed.integration_key,
      provider: null,
      method: 'POST',
      path: redactedUrl(claimed.url),
      status: outcome.status,
      durationMs: outcome.durationMs,
      retries: attempts - 1,
      bytes: claimed.payload.length,
      errorCode: outcome.kind === 'delivered' ? null : 'webhook_delivery_failed',
      message:
        outcome.kind === 'delivered'
          ? `${claimed.event_type} event ${claimed.event_uid} delivered (attempt ${attempts})`
          : `${claimed.event_type} event ${claimed.event_uid}, attempt ${attempts}: ${outcome.error}`,
      requestId: claimed.event_uid,
      createdAt: at,
    },
    waitUntil,
  );
  const breaker: D1PreparedStatement[] = [];
  if (outcome.kind === 'delivered') {
    if (claimed.breaker_failures)
      breaker.push(env.DB.prepare('DELETE FROM webhook_endpoints WHERE url = ?').bind(claimed.url));
    await env.DB.batch([
      env.DB.prepare(
        `UPDATE webhook_deliveries SET status = 'delivered', attempts = ?2, lease_until_ms = NULL, last_status = ?3,
           last_error = NULL, last_duration_ms = ?4, last_attempt_at = ?5, delivered_at = ?5, updated_at = ?5
         WHERE id = ?1`,
      ).bind(id, attempts, outcome.status, outcome.durationMs, at),
      ...breaker,
    ]);
    return 'delivered';
  }
  if (!outcome.permanent) {
    const failures = (claimed.breaker_failures ?? 0) + 1;
    const openUntil = failures >= settings.breakerFailures ? Date.now() + settings.breakerCooldownMs : null;
    breaker.push(
      env.DB.prepare(
        `INSERT INTO webhook_endpoints (url, failures, open_until_ms, updated_at) VALUES (?1, 1, ?2, ?3)
         ON CONFLICT (url) DO UPDATE SET failures = failures + 1, open_until_ms = ?2, updated_at = ?3`,
      ).bind(claimed.url, openUntil, at),
    );
  }
  const last = outcome.permanent || attempts >= settings.maxAttempts;
  const next = last ? null : Date.now() + retryDelayMs(settings, attempts);
  await env.DB.batch([
    env.DB.prepare(
      `UPDATE webhook_deliveries SET status = ?2, attempts = ?3, lease_until_ms = NULL, next_attempt_at_ms = ?4,
         last_status = ?5, last_error = ?6, last_duration_ms = ?7, last_attempt_at = ?8, updated_at = ?8
       WHERE id = ?1`,
    ).bind(
      id,
      last ? 'failed' : 'pending',
      attempts,
      next ?? Date.now(),
      outcome.status,
      outcome.error.slice(0, 1000),
      outcome.durationMs,
      at,
    ),
    ...breaker,
  ]);
  if (next !== null) await enqueueDeliveries(env, [id], Math.ceil((next - Date.now()) / 1000));
  return last ? 'failed' : 'retry';
}

/** Whether this attempt is the one trial through a cooled-down breaker (the others see it open again). */
async function takeTrial(env: Env, url: string, openUntil: number, now: number, settings: DeliverySettings) {
  const result = await env.DB.prepare(
    'UPDATE webhook_endpoints SET open_until_ms = ?3 WHERE url = ?1 AND open_until_ms = ?2',
  )
    .bind(url, openUntil, now + settings.timeoutMs + LEASE_MARGIN_MS)
    .run();
  return result.meta.changes === 1;
}

/** A URL for the log: the query (which may carry a token) left out. */
function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}${u.search ? '?…' : ''}`;
  } catch {
    return 'invalid URL';
  }
}

/** The `pier-webhooks` consumer: every message names one delivery; attempts run concurrently. */
export async function consumeWebhookBatch(
  batch: MessageBatch<unknown>,
  env: Env,
  ctx: Pick<ExecutionContext, 'waitUntil'>,
): Promise<void> {
  const settings = deliverySettings(env);
  const waitUntil = (p: Promise<unknown>) => ctx.waitUntil(p);
  await Promise.all(
    batch.messages.map(async (message) => {
      const id = (message.body as { delivery?: unknown } | null)?.delivery;
      if (typeof id !== 'number') {
        message.ack(); // not ours: nothing to deliver
        return;
      }
      try {
        await attemptDelivery(env, id, waitUntil, settings);
        message.ack();
      } catch (err) {
        // D1 unreachable or similar: the queue tries again (and the sweep would, after the lease).
        console.error(
          JSON.stringify({ level: 'error', event: 'webhook_attempt_error', delivery: id, error: String(err) }),
        );
        message.retry({ delaySeconds: 5 });
      }
    }),
  );
}

/** Pending deliveries this long past due without an attempt are taken to have lost their message. */
export const SWEEP_GRACE_MS = 10_000;

/**
 * Re-sends due deliveries whose queue message is gone (a restart of the local runtime empties its
 * queues; a send may have failed). Runs every minute from the cron trigger and once when `npm start`
 * starts. Sending one twice is harmless: the lease lets one attempt through.
 */
export async function sweepDeliveries(env: Env, now = Date.now(), graceMs = SWEEP_GRACE_MS): Promise<number> {
  const { results } = await env.DB.prepare(
    `SELECT id FROM webhook_deliveries
     WHERE status = 'pending' AND next_attempt_at_ms < ?1 AND (lease_until_ms IS NULL OR lease_until_ms < ?2)
     ORDER BY next_attempt_at_ms LIMIT 5000`,
  )
    .bind(now - graceMs, now)
    .all<{ id: number }>();
  await enqueueDeliveries(
    env,
    results.map((r) => r.id),
  );
  return results.length;
}
