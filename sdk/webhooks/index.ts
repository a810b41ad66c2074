/**
 * Checking the webhooks Pier sends (`@pier/sdk/webhooks`). Runs wherever WebCrypto does (Node ≥ 20,
 * Workers, Deno, browsers). Every delivery carries:
 *
 * - `X-Nango-Hmac-Sha256`: hex HMAC-SHA256 of the raw body with the environment's signing key, as
 *   `@nangohq/node`'s `verifyIncomingWebhookRequest` checks it;
 * - `Pier-Webhook-Id`: the event id; the same event retried or replayed keeps it, so receivers
 *   deduplicate by it;
 * - `Pier-Webhook-Timestamp` (Unix seconds) and `Pier-Webhook-Signature: v1=<hex>`, an HMAC of
 *   `<id>.<timestamp>.<body>`: it covers the id and the time, so an old delivery replayed later is
 *   refused by {@link verifyWebhook}'s tolerance.
 */

export const WEBHOOK_HEADERS = {
  nangoHmac: 'x-nango-hmac-sha256',
  id: 'pier-webhook-id',
  timestamp: 'pier-webhook-timestamp',
  signature: 'pier-webhook-signature',
} as const;

export type WebhookVerification =
  | { ok: true; id: string; timestamp: number }
  | {
      ok: false;
      reason: 'missing_headers' | 'malformed_signature' | 'bad_signature' | 'stale_timestamp';
      message: string;
    };

type HeaderSource = Headers | Record<string, string | string[] | undefined>;

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    if (keys.size >= 64) keys.clear();
    key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    keys.set(secret, key);
  }
  return key;
}

/** Hex HMAC-SHA256 of `data` keyed with `secret`. */
export async function hmacSha256Hex(secret: string, data: string | Uint8Array): Promise<string> {
  const bytes = typeof data === 'string' ? encoder.encode(data) : data;
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', await hmacKey(secret), bytes as BufferSource));
  let hex = '';
  for (const byte of mac) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/** Compares two strings in time that depends only on their length. */
export function timingSafeEqualText(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < x.length; i++) diff |= (x[i] ?? 0) ^ (y[i % y.length] ?? 0);
  return diff === 0;
}

function header(headers: HeaderSource, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  for (const [key, value] of Object.entries(headers as Record<string, string | string[] | undefined>))
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
  return undefined;
}

/** The headers Pier sends with `body` (what the deliverer uses; exported for tests and custom senders). */
export async function signWebhook(
  body: string,
  secret: string,
  event: { id: string; timestampSeconds?: number },
): Promise<Record<string, string>> {
  const timestamp = event.timestampSeconds ?? Math.floor(Date.now() / 1000);
  const [nango, pier] = await Promise.all([
    hmacSha256Hex(secret, body),
    hmacSha256Hex(secret, `${event.id}.${timestamp}.${body}`),
  ]);
  return {
    'X-Nango-Hmac-Sha256': nango,
    'Pier-Webhook-Id': event.id,
    'Pier-Webhook-Timestamp': String(timestamp),
    'Pier-Webhook-Signature': `v1=${pier}`,
  };
}

/**
 * Checks a delivery: the signature over id, timestamp and the raw body, and that the timestamp is
 * within `toleranceSeconds` (default 300) of now. Never throws; compare in constant time.
 *
 * @example
 * const result = await verifyWebhook(rawBody, request.headers, process.env.PIER_WEBHOOK_SIGNING_KEY);
 * if (!result.ok) return new Response(result.message, { status: 401 });
 * if (await alreadySeen(result.id)) return new Response(null, { status: 200 });
 */
export async function verifyWebhook(
  rawBody: string | Uint8Array,
  headers: HeaderSource,
  key: string,
  options: { toleranceSeconds?: number; nowSeconds?: number } = {},
): Promise<WebhookVerification> {
  const id = header(headers, WEBHOOK_HEADERS.id);
  const timestampText = header(headers, WEBHOOK_HEADERS.timestamp);
  const signature = header(headers, WEBHOOK_HEADERS.signature);
  if (!id || !timestampText || !signature)
    return {
      ok: false,
      reason: 'missing_headers',
      message: 'Pier-Webhook-Id, Pier-Webhook-Timestamp and Pier-Webhook-Signature are required',
    };
  const timestamp = Number(timestampText);
  const candidates = signature
    .split(/[\s,]+/)
    .filter((part) => part.startsWith('v1='))
    .map((part) => part.slice(3));
  if (!Number.isInteger(timestamp) || candidates.length === 0)
    return { ok: false, reason: 'malformed_signature', message: 'The signature headers are malformed' };
  try {
    const body = typeof rawBody === 'string' ? rawBody : new TextDecoder().decode(rawBody);
    const expected = await hmacSha256Hex(key, `${id}.${timestamp}.${body}`);
    // Every candidate is compared (no early exit), so timing says nothing about which one matched.
    let matched = false;
    for (const candidate of candidates) matched = timingSafeEqualText(candidate, expected) || matched;
    if (!matched) return { ok: false, reason: 'bad_signature', message: 'The signature does not match the body' };
  } catch {
    return { ok: false, reason: 'bad_signature', message: 'The signature could not be checked' };
  }
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  const tolerance = options.toleranceSeconds ?? 300;
  if (Math.abs(now - timestamp) > tolerance)
    return {
      ok: false,
      reason: 'stale_timestamp',
      message: `The timestamp is more than ${tolerance} s away from now`,
    };
  return { ok: true, id, timestamp };
}
