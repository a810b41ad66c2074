import type { PierConfig } from '../config.js';
import { fromBase64Url, toBase64Url } from './encoding.js';

/**
 * Run tokens: what a script sends with each call back to the platform to say which run it is in.
 * `<runId>.<expiresAt>.<mac>`, the MAC (HMAC-SHA-256, key derived from the platform's active
 * encryption key) also covering the binding the script's isolate was given, so a token is only
 * good for its own script and connection, and only until its run ends. Checked in constant time.
 */

type Keys = Pick<PierConfig, 'encryptionKeys' | 'activeKeyId'>;
const macKeys = new WeakMap<Uint8Array, CryptoKey>();

async function macKey(keys: Keys): Promise<CryptoKey> {
  const raw = keys.encryptionKeys.get(keys.activeKeyId);
  if (!raw) throw new Error('no active encryption key');
  let key = macKeys.get(raw);
  if (!key) {
    // A key of its own for this purpose: HMAC over a label with the encryption key, never the key itself.
    const base = await crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const derived = await crypto.subtle.sign('HMAC', base, new TextEncoder().encode('pier run token v1'));
    key = await crypto.subtle.importKey('raw', derived, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    macKeys.set(raw, key);
  }
  return key;
}

const payload = (runId: string, expiresAt: number, binding: string) =>
  new TextEncoder().encode(`${runId}\u0000${expiresAt}\u0000${binding}`);

/** @example const token = await signRunToken(config, run.runId, run.expiresAt, bindingKey(run)) */
export async function signRunToken(keys: Keys, runId: string, expiresAt: number, binding: string): Promise<string> {
  const mac = await crypto.subtle.sign('HMAC', await macKey(keys), payload(runId, expiresAt, binding));
  return `${runId}.${expiresAt}.${toBase64Url(new Uint8Array(mac))}`;
}

/** The run a token names, if it is genuine, for this binding, and not expired; otherwise why not. */
export async function verifyRunToken(
  keys: Keys,
  token: string | null,
  binding: string,
  nowMs = Date.now(),
): Promise<{ ok: true; runId: string; expiresAt: number } | { ok: false; reason: 'missing' | 'invalid' | 'expired' }> {
  if (!token) return { ok: false, reason: 'missing' };
  const [runId, expires, mac, extra] = token.split('.');
  const expiresAt = Number(expires);
  if (!runId || !mac || extra !== undefined || !Number.isSafeInteger(expiresAt))
    return { ok: false, reason: 'invalid' };
  let signature: Uint8Array<ArrayBuffer>;
  try {
    signature = fromBase64Url(mac);
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  // crypto.subtle.verify compares in constant time.
  const genuine = await crypto.subtle.verify('HMAC', await macKey(keys), signature, payload(runId, expiresAt, binding));
  if (!genuine) return { ok: false, reason: 'invalid' };
  if (nowMs > expiresAt) return { ok: false, reason: 'expired' };
  return { ok: true, runId, expiresAt };
}
