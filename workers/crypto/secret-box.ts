import type { PierConfig } from '../config.js';
import { fromBase64Url, toBase64Url } from './encoding.js';

/**
 * Authenticated encryption of secrets at rest: AES-256-GCM with a random 96-bit IV.
 * Stored form: `v1.<keyId>.<iv>.<ciphertext>` (base64url). The key id lets keys rotate:
 * new values use the active key, old values still open with the key they name.
 * `context` is bound as additional data, so a ciphertext moved to another row or column does not open.
 */

const VERSION = 'v1';

export class DecryptionError extends Error {
  override name = 'DecryptionError';
}

type Keys = Pick<PierConfig, 'encryptionKeys' | 'activeKeyId'>;

/** Imported keys, by their raw bytes (the parsed config is kept per isolate, so the bytes are the same object). */
const imported = new WeakMap<Uint8Array, CryptoKey>();

async function importKey(keys: Keys, keyId: string): Promise<CryptoKey> {
  const raw = keys.encryptionKeys.get(keyId);
  if (!raw) throw new DecryptionError(`no encryption key with id "${keyId}"`);
  let key = imported.get(raw);
  if (!key) {
    key = await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
    imported.set(raw, key);
  }
  return key;
}

/** @example const stored = await sealJson(config, { client_secret: 's' }, 'integration:42'); */
export async function sealJson(keys: Keys, value: unknown, context: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await importKey(keys, keys.activeKeyId);
  const plaintext = new TextEncoder().encode(JSON.stringify(value));
  const ciphertext = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(context) },
    key,
    plaintext,
  );
  return [VERSION, keys.activeKeyId, toBase64Url(iv), toBase64Url(new Uint8Array(ciphertext))].join('.');
}

/** @example const value = await openJson<{ client_secret: string }>(config, stored, 'integration:42'); */
export async function openJson<T>(keys: Keys, sealed: string, context: string): Promise<T> {
  const [version, keyId, iv, ciphertext, ...rest] = sealed.split('.');
  if (version !== VERSION || !keyId || !iv || !ciphertext || rest.length > 0)
    throw new DecryptionError('unrecognised sealed value');
  const key = await importKey(keys, keyId);
  try {
    const plaintext = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: fromBase64Url(iv), additionalData: new TextEncoder().encode(context) },
      key,
      fromBase64Url(ciphertext),
    );
    return JSON.parse(new TextDecoder().decode(plaintext)) as T;
  } catch {
    throw new DecryptionError('sealed value failed authentication');
  }
}

/** True when a value was sealed with a key other than the active one (re-seal it on next write). */
export function needsReseal(keys: Keys, sealed: string): boolean {
  return sealed.split('.')[1] !== keys.activeKeyId;
}
