/**
 * OAuth 1.0a request signing (RFC 5849 §3.4): HMAC-SHA1, RSA-SHA1 and PLAINTEXT, with WebCrypto.
 */
import { toBase64 } from '../crypto/encoding.js';
import { hmac } from '../crypto/hmac.js';

/** RFC 3986 percent-encoding, as §3.6 requires (stricter than encodeURIComponent). */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export type OAuth1SignatureMethod = 'HMAC-SHA1' | 'RSA-SHA1' | 'PLAINTEXT';

/** §3.4.1: METHOD & base URI & normalized parameters (query, form body and oauth_* except the signature). */
export function signatureBaseString(method: string, url: string, params: [string, string][]): string {
  const u = new URL(url);
  const port =
    u.port && !((u.protocol === 'http:' && u.port === '80') || (u.protocol === 'https:' && u.port === '443'))
      ? `:${u.port}`
      : '';
  const baseUri = `${u.protocol}//${u.hostname.toLowerCase()}${port}${u.pathname}`;
  const all: [string, string][] = [...params];
  for (const [k, v] of u.searchParams) all.push([k, v]);
  const normalized = all
    .filter(([k]) => k !== 'oauth_signature')
    .map(([k, v]) => [percentEncode(k), percentEncode(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak === bk ? (av < bv ? -1 : av > bv ? 1 : 0) : ak < bk ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  return [method.toUpperCase(), percentEncode(baseUri), percentEncode(normalized)].join('&');
}

function pemToDer(pem: string): ArrayBuffer {
  const body = pem.replace(/-----(BEGIN|END)[^-]+-----/g, '').replace(/\s+/g, '');
  return Uint8Array.from(atob(body), (c) => c.charCodeAt(0)).buffer;
}

/**
 * Signs a base string. For RSA-SHA1 `consumerSecret` is a PKCS#8 PEM private key.
 *
 * @example await sign('HMAC-SHA1', base, 'kd94hf93k423kf44', 'pfkkdhi9sl3r4s00')
 */
export async function sign(
  method: OAuth1SignatureMethod,
  baseString: string,
  consumerSecret: string,
  tokenSecret = '',
): Promise<string> {
  const key = `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`;
  if (method === 'PLAINTEXT') return key;
  if (method === 'HMAC-SHA1') return toBase64(await hmac('SHA-1', key, baseString));
  const rsaKey = await crypto.subtle.importKey(
    'pkcs8',
    pemToDer(consumerSecret),
    { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-1' },
    false,
    ['sign'],
  );
  return toBase64(await crypto.subtle.sign('RSASSA-PKCS1-v1_5', rsaKey, new TextEncoder().encode(baseString)));
}

export type OAuth1Request = {
  method: string;
  url: string;
  consumerKey: string;
  consumerSecret: string;
  token?: string;
  tokenSecret?: string;
  signatureMethod: OAuth1SignatureMethod;
  /** Extra oauth_* parameters (oauth_callback, oauth_verifier). */
  oauthParams?: Record<string, string>;
  /** Form body parameters, which are part of the signature. */
  bodyParams?: Record<string, string>;
  nonce?: string;
  timestamp?: string;
};

/** Builds the `Authorization: OAuth …` header for a request. */
export async function authorizationHeader(request: OAuth1Request): Promise<string> {
  const oauth: Record<string, string> = {
    oauth_consumer_key: request.consumerKey,
    oauth_nonce: request.nonce ?? crypto.randomUUID().replace(/-/g, ''),
    oauth_signature_method: request.signatureMethod,
    oauth_timestamp: request.timestamp ?? String(Math.floor(Date.now() / 1000)),
    oauth_version: '1.0',
    ...(request.token ? { oauth_token: request.token } : {}),
    ...request.oauthParams,
  };
  const params: [string, string][] = [...Object.entries(oauth), ...Object.entries(request.bodyParams ?? {})];
  const base = signatureBaseString(request.method, request.url, params);
  oauth.oauth_signature = await sign(request.signatureMethod, base, request.consumerSecret, request.tokenSecret);
  return `OAuth ${Object.entries(oauth)
    .map(([k, v]) => `${percentEncode(k)}="${percentEncode(v)}"`)
    .join(', ')}`;
}
