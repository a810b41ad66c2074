/** HMAC with WebCrypto, for signatures providers send or check (webhooks, OAuth 1.0a). */
const encoder = new TextEncoder();

/** The HMAC of `data` under `secret` (both UTF-8 text). */
export async function hmac(hash: 'SHA-1' | 'SHA-256', secret: string, data: string): Promise<ArrayBuffer> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash }, false, ['sign']);
  return crypto.subtle.sign('HMAC', key, encoder.encode(data));
}
