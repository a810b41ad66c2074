import { describe, expect, it } from 'vitest';
import { displayPrefix, generateSecretKey, hashSecretKey } from '../../../workers/crypto/api-keys.js';

describe('secret keys', () => {
  it('are 256 random bits with a recognisable prefix', () => {
    const a = generateSecretKey();
    expect(a).toMatch(/^pier_sk_[A-Za-z0-9_-]{43}$/);
    expect(generateSecretKey()).not.toBe(a);
    expect(displayPrefix(a)).toBe(a.slice(0, 12));
  });

  it('are stored as their SHA-256 (FIPS 180-2 test vector)', async () => {
    expect(await hashSecretKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
