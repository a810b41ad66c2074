/**
 * Checks a provider's webhook signature as its definition declares it (`webhooks.signature`): GitHub's
 * `X-Hub-Signature-256`, Stripe's `Stripe-Signature` (`t=…,v1=…`), Slack's `v0:{timestamp}:{body}`,
 * HubSpot v3 (method, URL, body and a millisecond timestamp), Shopify's base64 HMAC, and any other
 * HMAC or shared-secret scheme a custom provider declares. Digests are compared in constant time; a
 * timestamp outside the tolerance is refused even with a good signature (a replayed request).
 */
import type { z } from 'zod';
import type { webhookSignatureSchema } from '../../sdk/contract/provider-definition.js';
import { timingSafeEqualText } from '../../sdk/webhooks/index.js';
import { toBase64, toHex } from '../crypto/encoding.js';
import { hmac } from '../crypto/hmac.js';

export type ProviderSignature = z.output<typeof webhookSignatureSchema>;

export type SignatureCheck =
  | { ok: true }
  | {
      ok: false;
      code: 'missing_webhook_signature' | 'invalid_webhook_signature' | 'stale_webhook_timestamp';
      message: string;
    };

async function digest(
  algorithm: 'hmac-sha256' | 'hmac-sha1',
  secret: string,
  data: string,
  encoding: 'hex' | 'base64',
) {
  const mac = await hmac(algorithm === 'hmac-sha1' ? 'SHA-1' : 'SHA-256', secret, data);
  return encoding === 'base64' ? toBase64(mac) : toHex(mac);
}

/** `{body}`, `{timestamp}`, `{method}` and `{url}` replaced (never as patterns: bodies contain `$`). */
function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(body|timestamp|method|url)\}/g, (_, name: string) => values[name] ?? '');
}

export async function checkProviderSignature(
  signature: ProviderSignature,
  secret: string,
  request: { method: string; url: string; headers: Headers; body: string },
  nowMs = Date.now(),
): Promise<SignatureCheck> {
  const value = request.headers.get(signature.header)?.trim();
  if (!value)
    return { ok: false, code: 'missing_webhook_signature', message: `The ${signature.header} header is missing` };
  if (signature.algorithm === 'shared-secret')
    return timingSafeEqualText(value, secret)
      ? { ok: true }
      : { ok: false, code: 'invalid_webhook_signature', message: 'The webhook secret does not match' };

  let timestamp = signature.timestampHeader ? request.headers.get(signature.timestampHeader)?.trim() : undefined;
  let candidates: string[];
  if (signature.format === 'stripe') {
    const pairs = value.split(',').map((part) => part.trim().split('=', 2) as [string, string | undefined]);
    timestamp = pairs.find(([k]) => k === 't')?.[1];
    candidates = pairs.filter(([k, v]) => k === 'v1' && v).map(([, v]) => v as string);
  } else {
    const prefix = signature.prefix ?? '';
    candidates = value.startsWith(prefix) ? [value.slice(prefix.length)] : [];
  }
  if (candidates.length === 0)
    return { ok: false, code: 'invalid_webhook_signature', message: `The ${signature.header} header is malformed` };
  const needsTimestamp = signature.signedPayload.includes('{timestamp}') || signature.toleranceSeconds !== undefined;
  if (needsTimestamp && (!timestamp || !/^\d{1,16}$/.test(timestamp)))
    return { ok: false, code: 'missing_webhook_signature', message: 'The webhook timestamp is missing or malformed' };

  const expected = await digest(
    signature.algorithm,
    secret,
    fill(signature.signedPayload, {
      body: request.body,
      timestamp: timestamp ?? '',
      method: request.method,
      url: request.url,
    }),
    signature.encoding,
  );
  let matched = false;
  for (const candidate of candidates) matched = timingSafeEqualText(candidate, expected) || matched;
  if (!matched)
    return { ok: false, code: 'invalid_webhook_signature', message: 'The webhook signature does not match' };

  if (signature.toleranceSeconds !== undefined && timestamp) {
    const seconds = signature.timestampUnit === 'milliseconds' ? Number(timestamp) / 1000 : Number(timestamp);
    if (Math.abs(nowMs / 1000 - seconds) > signature.toleranceSeconds)
      return {
        ok: false,
        code: 'stale_webhook_timestamp',
        message: `The webhook timestamp is more than ${signature.toleranceSeconds} s from now`,
      };
  }
  return { ok: true };
}
