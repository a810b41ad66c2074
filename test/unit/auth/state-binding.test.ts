import { generateKeyPairSync } from 'node:crypto';
import { importPKCS8 } from 'jose';
import { calculatePKCECodeChallenge } from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { toPkcs8Pem } from '../../../workers/auth/renew.js';
import { bindingCookieName, timingSafeEqualHex } from '../../../workers/connect/oauth-sessions.js';

describe('OAuth state, cookie binding and PKCE', () => {
  it('names the binding cookie from the state, with cookie-safe characters only', () => {
    expect(bindingCookieName('abcDEF123_-xyz789')).toBe('pier_oauth_abcDEF123_-x');
    expect(bindingCookieName('a.b;c=d')).toBe('pier_oauth_abcd');
  });

  it('compares digests in constant time and rejects any difference', () => {
    expect(timingSafeEqualHex('ab12', 'ab12')).toBe(true);
    expect(timingSafeEqualHex('ab12', 'ab13')).toBe(false);
    expect(timingSafeEqualHex('ab12', 'ab123')).toBe(false);
  });

  it('derives the S256 challenge of RFC 7636 appendix B', async () => {
    expect(await calculatePKCECodeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('converts a PKCS#1 app key (as GitHub issues them) to PKCS#8 that jose can use', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pkcs1 = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    expect(pkcs1).toContain('BEGIN RSA PRIVATE KEY');
    const pkcs8 = toPkcs8Pem(pkcs1);
    expect(pkcs8).toBe(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString().trim());
    await expect(importPKCS8(pkcs8, 'RS256')).resolves.toBeTruthy();
  });
});
