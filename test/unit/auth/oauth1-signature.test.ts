import { describe, expect, it } from 'vitest';
import {
  authorizationHeader,
  percentEncode,
  sign,
  signatureBaseString,
} from '../../../workers/auth/oauth1-signature.js';

describe('OAuth 1.0a signatures', () => {
  it('matches RFC 5849 §1.2 (request for temporary credentials, HMAC-SHA1)', async () => {
    const header = await authorizationHeader({
      method: 'POST',
      url: 'https://photos.example.net/initiate',
      consumerKey: 'dpf43f3p2l4k3l03',
      consumerSecret: 'kd94hf93k423kf44',
      signatureMethod: 'HMAC-SHA1',
      oauthParams: { oauth_callback: 'http://printer.example.com/ready' },
      nonce: 'wIjqoS',
      timestamp: '137131200',
    });
    // RFC 5849 §1.2 omits oauth_version; its signature is computed without it.
    const base = signatureBaseString('POST', 'https://photos.example.net/initiate', [
      ['oauth_consumer_key', 'dpf43f3p2l4k3l03'],
      ['oauth_signature_method', 'HMAC-SHA1'],
      ['oauth_timestamp', '137131200'],
      ['oauth_nonce', 'wIjqoS'],
      ['oauth_callback', 'http://printer.example.com/ready'],
    ]);
    expect(await sign('HMAC-SHA1', base, 'kd94hf93k423kf44')).toBe('74KNZJeDHnMBp0EMJ9ZHt/XKycU=');
    expect(header).toMatch(/^OAuth oauth_consumer_key="dpf43f3p2l4k3l03", /);
  });

  it('matches RFC 5849 §1.2 (token credentials request)', async () => {
    const base = signatureBaseString('POST', 'https://photos.example.net/token', [
      ['oauth_consumer_key', 'dpf43f3p2l4k3l03'],
      ['oauth_token', 'hh5s93j4hdidpola'],
      ['oauth_signature_method', 'HMAC-SHA1'],
      ['oauth_timestamp', '137131201'],
      ['oauth_nonce', 'walatlh'],
      ['oauth_verifier', 'hfdp7dh39dks9884'],
    ]);
    expect(await sign('HMAC-SHA1', base, 'kd94hf93k423kf44', 'hdhd0244k9j7ao03')).toBe('gKgrFCywp7rO0OXSjdot/IHF7IU=');
  });

  it('matches RFC 5849 §1.2 (protected resource request with query)', async () => {
    const base = signatureBaseString('GET', 'http://photos.example.net/photos?file=vacation.jpg&size=original', [
      ['oauth_consumer_key', 'dpf43f3p2l4k3l03'],
      ['oauth_token', 'nnch734d00sl2jdk'],
      ['oauth_signature_method', 'HMAC-SHA1'],
      ['oauth_timestamp', '137131202'],
      ['oauth_nonce', 'chapoH'],
    ]);
    expect(await sign('HMAC-SHA1', base, 'kd94hf93k423kf44', 'pfkkdhi9sl3r4s00')).toBe('MdpQcU8iPSUjWoN/UDMsK2sui9I=');
  });

  it("matches X/Twitter's documented example (form body parameters are signed)", async () => {
    const base = signatureBaseString('POST', 'https://api.twitter.com/1.1/statuses/update.json?include_entities=true', [
      ['status', 'Hello Ladies + Gentlemen, a signed OAuth request!'],
      ['oauth_consumer_key', 'xvz1evFS4wEEPTGEFPHBog'],
      ['oauth_nonce', 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg'],
      ['oauth_signature_method', 'HMAC-SHA1'],
      ['oauth_timestamp', '1318622958'],
      ['oauth_token', '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb'],
      ['oauth_version', '1.0'],
    ]);
    expect(
      await sign(
        'HMAC-SHA1',
        base,
        'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw',
        'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE',
      ),
    ).toBe('hCtSmYh+iHYCEqBWrE7C7hYmtUk=');
  });

  it('percent-encodes per RFC 3986 and signs PLAINTEXT as the key', async () => {
    expect(percentEncode("a b!*'()~")).toBe('a%20b%21%2A%27%28%29~');
    expect(await sign('PLAINTEXT', 'ignored', 'c&s', 't s')).toBe('c%26s&t%20s');
  });

  it('signs RSA-SHA1 with a PKCS#8 key, verifiable with the public key', async () => {
    const pair = await crypto.subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-1' },
      true,
      ['sign', 'verify'],
    );
    const der = Buffer.from(await crypto.subtle.exportKey('pkcs8', pair.privateKey)).toString('base64');
    const pem = `-----BEGIN PRIVATE KEY-----\n${der}\n-----END PRIVATE KEY-----`;
    const signature = await sign('RSA-SHA1', 'base-string', pem);
    const ok = await crypto.subtle.verify(
      'RSASSA-PKCS1-v1_5',
      pair.publicKey,
      Buffer.from(signature, 'base64'),
      new TextEncoder().encode('base-string'),
    );
    expect(ok).toBe(true);
  });
});
