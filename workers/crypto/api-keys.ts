import { toBase64Url, toHex } from './encoding.js';

/** Secret keys look like `pier_sk_<43 chars>`: 256 random bits, recognisable by secret scanners. */
const SECRET_KEY_PREFIX = 'pier_sk_';

export function generateSecretKey(): string {
  return SECRET_KEY_PREFIX + toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}

/** A random token for webhook signing keys and similar secrets. */
export function generateToken(bytes = 32): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/**
 * Keys carry 256 bits of entropy, so one SHA-256 is enough to store them safely (no salt or
 * slow hash needed), and lookups by hash stay a single indexed read.
 */
export async function hashSecretKey(secret: string): Promise<string> {
  return toHex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(secret)));
}

/** What is shown to tell keys apart: the prefix plus four characters. */
export function displayPrefix(secret: string): string {
  return secret.slice(0, SECRET_KEY_PREFIX.length + 4);
}
