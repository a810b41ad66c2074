/** Validated platform settings, read once per request from the Worker's env. */
export type PierConfig = {
  /** `development` allows loopback and private provider URLs (local OAuth servers in tests). */
  mode: 'development' | 'production';
  /** Encryption keys by id; `activeKeyId` encrypts, any listed key decrypts. */
  encryptionKeys: ReadonlyMap<string, Uint8Array<ArrayBuffer>>;
  activeKeyId: string;
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const KEY_ENTRY = /^([A-Za-z0-9_-]{1,32}):([A-Za-z0-9+/=_-]+)$/;

/**
 * Reads `PIER_ENCRYPTION_KEYS` ("id:base64key[,id:base64key…]", first one active, each 32 bytes) and `PIER_MODE`.
 * Throws a ConfigError naming the problem; the error handler reports it without the values.
 *
 * @example readConfig({ PIER_MODE: 'development', PIER_ENCRYPTION_KEYS: 'k1:…' })
 */
export function readConfig(env: { PIER_MODE?: string; PIER_ENCRYPTION_KEYS?: string }): PierConfig {
  // Read on every request: remember the last parse (the inputs are the whole key, so no stale hit).
  if (last && last.mode === env.PIER_MODE && last.keys === env.PIER_ENCRYPTION_KEYS) return last.config;
  const config = parseConfig(env);
  last = { mode: env.PIER_MODE, keys: env.PIER_ENCRYPTION_KEYS, config };
  return config;
}

let last: { mode: string | undefined; keys: string | undefined; config: PierConfig } | undefined;

function parseConfig(env: { PIER_MODE?: string; PIER_ENCRYPTION_KEYS?: string }): PierConfig {
  const mode = env.PIER_MODE ?? 'production';
  if (mode !== 'development' && mode !== 'production')
    throw new ConfigError(`PIER_MODE must be "development" or "production", not "${mode}"`);
  const raw = env.PIER_ENCRYPTION_KEYS?.trim();
  if (!raw) throw new ConfigError('PIER_ENCRYPTION_KEYS is not set (run `npm start` locally or `wrangler secret put`)');
  const encryptionKeys = new Map<string, Uint8Array<ArrayBuffer>>();
  let activeKeyId: string | undefined;
  for (const entry of raw.split(',').map((s) => s.trim())) {
    const match = KEY_ENTRY.exec(entry);
    if (!match) throw new ConfigError('PIER_ENCRYPTION_KEYS entries must look like "id:base64key"');
    const [, id = '', encoded = ''] = match;
    const bytes = decodeBase64(encoded);
    if (bytes.length !== 32) throw new ConfigError(`encryption key "${id}" must be 32 bytes`);
    if (encryptionKeys.has(id)) throw new ConfigError(`encryption key id "${id}" is listed twice`);
    encryptionKeys.set(id, bytes);
    activeKeyId ??= id;
  }
  if (!activeKeyId) throw new ConfigError('PIER_ENCRYPTION_KEYS lists no key');
  return { mode, encryptionKeys, activeKeyId };
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const normal = text.replace(/-/g, '+').replace(/_/g, '/');
  try {
    return Uint8Array.from(atob(normal), (c) => c.charCodeAt(0));
  } catch {
    throw new ConfigError('an encryption key is not valid base64');
  }
}
