/**
 * Delivery of outbox events to the app's backend: the `pier-webhooks` queue consumer, the retry
 * circuit breaker per destination (the retry schedule is delivery-policy.ts, the sweep that re-sends
 * what the queue lost delivery-sweep.ts).
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
import { signingKeyContext } from '../environments/signing-key.js';
import { operationStatement } from '../logs/store.js';
import { checkOutboundUrl } from '../net/outbound-policy.js';
import { PIER_VERSION } from '../version.js';
import { type DeliverySettings, deliverySettings, retryDelayMs } from './delivery-policy.js';
import { enqueueDeliveries } from './outbox.js';

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

/** Leases the due, unleased deliveries among `ids` (one D1 batch) and reads what sending them needs. */
async function claim(env: Env, ids: number[], now: number, leaseUntil: number): Promise<Claimed[]> {
  const list = JSON.stringify(ids);
  const [, rows] = await env.DB.batch<Claimed>([
    env.DB.prepare(
      `UPDATE webhook_deliveries SET lease_until_ms = ?2
       WHERE id IN (SELECT value FROM json_each(?1)) AND status = 'pending' AND next_attempt_at_ms <= ?3
         AND (lease_until_ms IS NULL OR lease_until_ms < ?4)`,
    ).bind(list, leaseUntil, now + 1000, now),
    env.DB.prepare(
      `SELECT d.id, d.environment_id, d.event_uid, d.event_type, d.connection_id, d.integration_key, d.url,
              d.attempts, o.payload, e.webhook_signing_key_enc AS key_enc, e.uuid AS environment_uuid,
              p.failures AS breaker_failures, p.open_until_ms AS breaker_open_until_ms
       FROM webhook_deliveries d
       JOIN outbox_events o ON o.uid = d.event_uid
       JOIN environments e ON e.id = d.environment_id
       LEFT JOIN webhook_endpoints p ON p.url = d.url
       WHERE d.id IN (SELECT value FROM json_each(?1)) AND d.lease_until_ms = ?2`,
    ).bind(list, leaseUntil),
  ]);
  return rows?.results ?? [];
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

export type AttemptResult = 'delivered' | 'retry' | 'failed' | 'deferred' | 'skipped';

/** One attempt at delivery `id` (see {@link attemptDeliveries}). */
export async function attemptDelivery(env: Env, id: number, settings = deliverySettings(env)): Promise<AttemptResult> {
  return (await attemptDeliveries(env, [id], settings)).get(id) ?? 'skipped';
}

/**
 * One attempt at each of `ids`, concurrently; resolves once every outcome (and each next attempt) is
 * recorded. D1 sees two batches whatever the count: the claim, and the outcomes. A delivery not due,
 * leased by another attempt, or settled is `skipped`.
 */
export async function attemptDeliveries(
  env: Env,
  ids: number[],
  settings = deliverySettings(env),
): Promise<Map<number, AttemptResult>> {
  const results = new Map<number, AttemptResult>(ids.map((id) => [id, 'skipped']));
  if (ids.length === 0) return results;
  const now = Date.now();
  // A random millisecond offset tells this claim's rows from another's made in the same millisecond.
  const leaseUntil = now + settings.timeoutMs + LEASE_MARGIN_MS + Math.floor(Math.random() * 1000);
  const claimed = await claim(env, ids, now, leaseUntil);
  const writes: D1PreparedStatement[] = [];
  const next: { id: number; delaySeconds: number }[] = [];
  const woken = new Set<string>();
  const mode = readConfig(env).mode;
  await Promise.all(
    claimed.map(async (row) => {
      results.set(row.id, await attemptOne(env, settings, row, now, mode, writes, next, woken));
    }),
  );
  if (writes.length > 0) await env.DB.batch(writes);
  const byDelay = new Map<number, number[]>();
  for (const { id, delaySeconds } of next) byDelay.set(delaySeconds, [...(byDelay.get(delaySeconds) ?? []), id]);
  for (const [delaySeconds, group] of byDelay) await enqueueDeliveries(env, group, delaySeconds);
  for (const url of woken) await wakeParked(env, url);
  return results;
}

/** A destination that answers again: its parked (and backing-off) deliveries are due now. */
async function wakeParked(env: Env, url: string): Promise<void> {
  const now = Date.now();
  const { results } = await env.DB.prepare(
    `UPDATE webhook_deliveries SET next_attempt_at_ms = ?2
     WHERE url = ?1 AND status = 'pending' AND lease_until_ms IS NULL AND next_attempt_at_ms > ?2
     RETURNING id`,
  )
    .bind(url, now)
    .all<{ id: number }>();
  await enqueueDeliveries(
    env,
    results.map((r) => r.id),
  );
}

async function attemptOne(
  env: Env,
  settings: DeliverySettings,
  claimed: Claimed,
  now: number,
  mode: 'development' | 'production',
  writes: D1PreparedStatement[],
  next: { id: number; delaySeconds: number }[],
  woken: Set<string>,
): Promise<AttemptResult> {
  const id = claimed.id;
  // Open breaker: the destination failed repeatedly; wait for its cool-down without spending an attempt.
  // Once cooled down, one attempt is the trial (it re-arms the breaker for the others meanwhile).
  const openUntil = claimed.breaker_open_until_ms;
  const blocked =
    openUntil !== null && (openUntil > now || !(await takeTrial(env, claimed.url, openUntil, now, settings)));
  if (blocked) {
    // Parked: no message of its own. One parked delivery per cool-down is the trial candidate and
    // gets a message for when the breaker may be tried; a success wakes the rest (wakeParked).
    const until = openUntil > now ? openUntil : now + settings.timeoutMs + LEASE_MARGIN_MS;
    const at = until + Math.floor(Math.random() * 1000);
    writes.push(
      env.DB.prepare('UPDATE webhook_deliveries SET lease_until_ms = NULL, next_attempt_at_ms = ?2 WHERE id = ?1').bind(
        id,
        at,
      ),
    );
    const candidate = await env.DB.prepare(
      'UPDATE webhook_endpoints SET trial_at_ms = ?2 WHERE url = ?1 AND (trial_at_ms IS NULL OR trial_at_ms < ?3)',
    )
      .bind(claimed.url, at, now)
      .run();
    if (candidate.meta.changes === 1) next.push({ id, delaySeconds: Math.ceil((at - now) / 1000) });
    return 'deferred';
  }
  const outcome = await post(env, settings, claimed, mode);
  const attempts = claimed.attempts + 1;
  const at = new Date().toISOString();
  // The attempt's log line goes in the same D1 batch as its outcome (no wait for the log's own batching).
  writes.push(
    operationStatement(env.DB, {
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
      message: (outcome.kind === 'delivered'
        ? `${claimed.event_type} event ${claimed.event_uid} delivered (attempt ${attempts})`
        : `${claimed.event_type} event ${claimed.event_uid}, attempt ${attempts}: ${outcome.error}`
      ).slice(0, 1024),
      requestId: claimed.event_uid,
      createdAt: at,
    }),
  );
  if (outcome.kind === 'delivered') {
    writes.push(
      env.DB.prepare(
        `UPDATE webhook_deliveries SET status = 'delivered', attempts = ?2, lease_until_ms = NULL, last_status = ?3,
           last_error = NULL, last_duration_ms = ?4, last_attempt_at = ?5, delivered_at = ?5, updated_at = ?5
         WHERE id = ?1`,
      ).bind(id, attempts, outcome.status, outcome.durationMs, at),
    );
    // Any success closes the breaker: it counts failures in a row, whatever the order attempts finish in.
    writes.push(env.DB.prepare('DELETE FROM webhook_endpoints WHERE url = ?').bind(claimed.url));
    // The breaker had been open (deliveries parked): what waits for the destination is due now. (A
    // breaker closed by another success leaves parked ones to the minute sweep; backing-off ones keep
    // their backoff.)
    if (openUntil !== null) woken.add(claimed.url);
    return 'delivered';
  }
  if (!outcome.permanent)
    writes.push(
      env.DB.prepare(
        `INSERT INTO webhook_endpoints (url, failures, open_until_ms, updated_at)
         VALUES (?1, 1, CASE WHEN ?2 <= 1 THEN ?3 END, ?4)
         ON CONFLICT (url) DO UPDATE SET failures = failures + 1, updated_at = ?4,
           open_until_ms = CASE WHEN failures + 1 >= ?2 THEN ?3 ELSE open_until_ms END`,
      ).bind(claimed.url, settings.breakerFailures, Date.now() + settings.breakerCooldownMs, at),
    );
  const last = outcome.permanent || attempts >= settings.maxAttempts;
  const nextAt = last ? null : Date.now() + retryDelayMs(settings, attempts);
  writes.push(
    env.DB.prepare(
      `UPDATE webhook_deliveries SET status = ?2, attempts = ?3, lease_until_ms = NULL, next_attempt_at_ms = ?4,
         last_status = ?5, last_error = ?6, last_duration_ms = ?7, last_attempt_at = ?8, updated_at = ?8
       WHERE id = ?1`,
    ).bind(
      id,
      last ? 'failed' : 'pending',
      attempts,
      nextAt ?? Date.now(),
      outcome.status,
      outcome.error.slice(0, 1000),
      outcome.durationMs,
      at,
    ),
  );
  if (nextAt !== null) next.push({ id, delaySeconds: Math.ceil((nextAt - Date.now()) / 1000) });
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

/** The `pier-webhooks` consumer: every message names one delivery; the batch is attempted at once. */
export async function consumeWebhookBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const ids: number[] = [];
  for (const message of batch.messages) {
    const id = (message.body as { delivery?: unknown } | null)?.delivery;
    if (typeof id === 'number' && Number.isInteger(id)) ids.push(id);
  }
  try {
    await attemptDeliveries(env, [...new Set(ids)]);
    batch.ackAll();
  } catch (err) {
    // D1 unreachable or similar: the queue tries again (and the sweep would, after the lease).
    console.error(
      JSON.stringify({ level: 'error', event: 'webhook_batch_error', deliveries: ids.length, error: String(err) }),
    );
    batch.retryAll({ delaySeconds: 5 });
  }
}
