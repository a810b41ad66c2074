/**
 * Provider webhooks (`POST /webhook/:environmentUuid/:integration`): verified as the provider's
 * definition declares, stored, answered at once (providers give a few seconds), and processed from
 * the `pier-jobs` queue (incoming-process.ts). A refused payload is logged, never dropped silently.
 */
import type { Context } from 'hono';
import type { AppEnv } from '../app-env.js';
import { incomingWebhooks } from '../db/schema.js';
import { findEnvironmentByUuid } from '../environments/store.js';
import { ApiError } from '../http/api-error.js';
import { readIntegrationCredentials } from '../integrations/service.js';
import { findIntegrationRow } from '../integrations/store.js';
import { queueOperation } from '../logs/service.js';
import { findProvider } from '../providers/service.js';
import { type IncomingJob, isRecord, parseBody } from './incoming-process.js';
import { eventUidFor, newEventUid } from './outbox.js';
import { checkProviderSignature } from './provider-signature.js';

/** Larger bodies are refused (413): no provider sends webhooks this big. */
export const MAX_WEBHOOK_BYTES = 1_000_000;

/** Headers kept with a stored event: what routing and handlers may need. Never signatures. */
const KEPT_HEADERS =
  /^(content-type|user-agent|x-github-event|x-github-delivery|x-github-hook-installation-target-id|x-shopify-topic|x-shopify-shop-domain|x-shopify-webhook-id|x-slack-retry-num|x-hubspot-request-timestamp)$/;
/** Headers naming one delivery: a provider's retry of it is recorded once. */
const DELIVERY_ID_HEADERS = ['x-github-delivery', 'x-shopify-webhook-id'];

function refuse(
  c: Context<AppEnv>,
  target: { environmentId: number; integrationKey: string; provider: string },
  error: ApiError,
): never {
  queueOperation(
    c.get('db'),
    {
      environmentId: target.environmentId,
      type: 'webhook',
      outcome: 'failure',
      connectionId: null,
      integrationKey: target.integrationKey,
      provider: target.provider,
      method: 'RECEIVE',
      path: new URL(c.req.url).pathname,
      status: error.status,
      durationMs: 0,
      retries: 0,
      bytes: null,
      errorCode: error.code,
      message: `Incoming webhook refused: ${error.message}`,
      requestId: c.get('requestId') ?? null,
      createdAt: new Date().toISOString(),
    },
    (p) => c.executionCtx.waitUntil(p),
  );
  throw error;
}

/** The route handler: verify, store, queue, answer. */
export async function receiveWebhook(c: Context<AppEnv>): Promise<Response> {
  const db = c.get('db');
  const { environmentUuid = '', integration: integrationKey = '' } = c.req.param();
  const environment = /^[0-9a-f-]{36}$/.test(environmentUuid)
    ? await findEnvironmentByUuid(db, environmentUuid)
    : undefined;
  const integration = environment ? await findIntegrationRow(db, environment.id, integrationKey) : undefined;
  if (!environment || !integration)
    throw new ApiError('unknown_provider_config', 404, 'No integration receives webhooks at this URL');
  const target = { environmentId: environment.id, integrationKey, provider: integration.provider };
  const tooLarge = () =>
    refuse(
      c,
      target,
      new ApiError('payload_too_large', 413, `Webhook bodies are limited to ${MAX_WEBHOOK_BYTES} bytes`),
    );
  if (Number(c.req.header('content-length') ?? 0) > MAX_WEBHOOK_BYTES) tooLarge();
  const body = await c.req.text();
  if (body.length > MAX_WEBHOOK_BYTES) tooLarge();

  const provider = await findProvider(db, environment.id, integration.provider);
  const signature = provider?.definition.webhooks?.signature;
  if (!signature)
    refuse(
      c,
      target,
      new ApiError(
        'webhooks_not_supported',
        400,
        `The provider "${integration.provider}" declares no webhook signature, so its webhooks cannot be verified`,
      ),
    );
  const credentials = await readIntegrationCredentials(c.get('config'), environment, integration);
  const secret =
    credentials && 'webhook_secret' in credentials && credentials.webhook_secret
      ? credentials.webhook_secret
      : credentials && 'client_secret' in credentials
        ? credentials.client_secret
        : undefined;
  if (!secret)
    refuse(
      c,
      target,
      new ApiError(
        'webhook_secret_missing',
        401,
        `The integration "${integrationKey}" has no webhook secret to verify its webhooks with`,
      ),
    );
  const check = await checkProviderSignature(signature, secret, {
    method: c.req.method,
    url: c.req.url,
    headers: c.req.raw.headers,
    body,
  });
  if (!check.ok) refuse(c, target, new ApiError(check.code, 401, check.message));

  const payload = parseBody(body);
  // Slack's URL verification (and its like): answered once the request is known to be Slack's.
  if (isRecord(payload) && payload.type === 'url_verification' && typeof payload.challenge === 'string')
    return c.json({ challenge: payload.challenge });

  const headers: Record<string, string> = {};
  for (const [name, value] of c.req.raw.headers) if (KEPT_HEADERS.test(name)) headers[name] = value;
  const deliveryId =
    DELIVERY_ID_HEADERS.map((h) => c.req.header(h)).find(Boolean) ??
    (signature.format === 'stripe' && isRecord(payload) && typeof payload.id === 'string' ? payload.id : undefined);
  const uid = deliveryId ? await eventUidFor(`incoming:${integration.id}:${deliveryId}`) : newEventUid();
  const [row] = await db
    .insert(incomingWebhooks)
    .values({
      uid,
      environmentId: environment.id,
      integrationId: integration.id,
      headers: JSON.stringify(headers),
      body,
    })
    .onConflictDoNothing()
    .returning({ id: incomingWebhooks.id });
  // A provider's retry of a delivery already stored: acknowledged, not processed again.
  if (!row) return c.json({ received: true, duplicate: true });
  try {
    await c.env.JOBS.send({ type: 'incoming_webhook', id: row.id } satisfies IncomingJob, { contentType: 'json' });
  } catch {
    // Stored: the sweep processes it.
  }
  return c.json({ received: true });
}
