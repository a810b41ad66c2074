import { describe, expect, it } from 'vitest';
import { readConfig } from '../../../workers/config.js';
import { DecryptionError, needsReseal, openJson, sealJson } from '../../../workers/crypto/secret-box.js';

const key = (byte: number) => Buffer.alloc(32, byte).toString('base64');
const v1 = readConfig({ PIER_ENCRYPTION_KEYS: `k1:${key(1)}` });
const rotated = readConfig({ PIER_ENCRYPTION_KEYS: `k2:${key(2)},k1:${key(1)}` });

describe('secret box (AES-256-GCM at rest)', () => {
  it('round-trips a value and never contains it in clear', async () => {
    const sealed = await sealJson(v1, { client_secret: 'hunter2' }, 'ctx');
    expect(sealed).toMatch(/^v1\.k1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('hunter2');
    expect(await openJson(v1, sealed, 'ctx')).toEqual({ client_secret: 'hunter2' });
  });

  it('uses a fresh IV every time', async () => {
    expect(await sealJson(v1, 'same', 'ctx')).not.toBe(await sealJson(v1, 'same', 'ctx'));
  });

  it('refuses a tampered ciphertext, another context, or an unknown key', async () => {
    const sealed = await sealJson(v1, 'value', 'ctx');
    const parts = sealed.split('.');
    const last = parts[3] ?? '';
    const tampered = [...parts.slice(0, 3), (last[0] === 'A' ? 'B' : 'A') + last.slice(1)].join('.');
    await expect(openJson(v1, tampered, 'ctx')).rejects.toBeInstanceOf(DecryptionError);
    await expect(openJson(v1, sealed, 'other-ctx')).rejects.toBeInstanceOf(DecryptionError);
    await expect(openJson(readConfig({ PIER_ENCRYPTION_KEYS: `k9:${key(9)}` }), sealed, 'ctx')).rejects.toThrow(
      'no encryption key',
    );
    await expect(openJson(v1, 'garbage', 'ctx')).rejects.toThrow('unrecognised');
  });

  it('rotates keys: new values use the first key, old values still open and are flagged for re-sealing', async () => {
    const old = await sealJson(v1, 'old', 'ctx');
    expect(await openJson(rotated, old, 'ctx')).toBe('old');
    expect(needsReseal(rotated, old)).toBe(true);
    const fresh = await sealJson(rotated, 'new', 'ctx');
    expect(fresh.startsWith('v1.k2.')).toBe(true);
    expect(needsReseal(rotated, fresh)).toBe(false);
  });
});

describe('readConfig', () => {
  it('rejects missing, malformed, short and duplicate keys with a message that names no value', () => {
    expect(() => readConfig({})).toThrow('PIER_ENCRYPTION_KEYS is not set');
    expect(() => readConfig({ PIER_ENCRYPTION_KEYS: 'nocolon' })).toThrow('entries must look like');
    expect(() => readConfig({ PIER_ENCRYPTION_KEYS: `k:${Buffer.alloc(16).toString('base64')}` })).toThrow(
      'must be 32 bytes',
    );
    expect(() => readConfig({ PIER_ENCRYPTION_KEYS: `a:${key(1)},a:${key(2)}` })).toThrow('listed twice');
    expect(() => readConfig({ PIER_MODE: 'staging', PIER_ENCRYPTION_KEYS: `a:${key(1)}` })).toThrow('PIER_MODE');
  });

  it('defaults to production mode', () => {
    expect(readConfig({ PIER_ENCRYPTION_KEYS: `a:${key(1)}` }).mode).toBe('production');
  });
});
