import { describe, expect, it } from 'vitest';
import { checkOutboundUrl } from '../../../workers/net/outbound-policy.js';

describe('outbound URL policy', () => {
  it.each([
    'http://127.0.0.1:8080/token',
    'http://localhost/x',
    'http://10.1.2.3/',
    'http://172.20.0.1/',
    'http://192.168.1.1/',
    'http://169.254.169.254/latest/meta-data',
    'http://[::1]/',
    'http://[fd00::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://metadata.google.internal/',
    'http://2130706433/',
    'http://100.64.0.1/',
    'http://0.0.0.0/',
    // IPv6 that embeds a private IPv4 address, in every transition format.
    'http://[::127.0.0.1]/',
    'http://[::10.0.0.1]/',
    'http://[::ffff:0:127.0.0.1]/',
    'http://[64:ff9b::127.0.0.1]/',
    'http://[64:ff9b::8.8.8.8]/',
    'http://[2002:7f00:1::]/',
    'http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/',
    'http://[fec0::1]/',
    'http://[100::1]/',
    'http://[ff02::1]/',
    // Trailing dots name the same hosts.
    'http://localhost./',
    'http://localhost../',
    'http://metadata.google.internal./',
    'http://127.0.0.1./',
    'http://api.localhost/',
    'http://intranet/',
    'http://0x7f.1/',
    'http://017700000001/',
    'http://198.18.0.1/',
    'http://255.255.255.255/',
  ])('refuses %s in production', (url) => {
    expect(checkOutboundUrl(url, 'production')).toEqual({ ok: false, reason: 'private_address' });
  });

  it('allows public hosts in production and loopback and private networks in development', () => {
    expect(checkOutboundUrl('https://api.github.com/user', 'production').ok).toBe(true);
    expect(checkOutboundUrl('https://api.github.com./user', 'production').ok).toBe(true);
    expect(checkOutboundUrl('https://8.8.8.8/', 'production').ok).toBe(true);
    expect(checkOutboundUrl('https://[2606:4700:4700::1111]/', 'production').ok).toBe(true);
    expect(checkOutboundUrl('http://127.0.0.1:8080/token', 'development').ok).toBe(true);
    expect(checkOutboundUrl('http://10.0.0.5/token', 'development').ok).toBe(true);
  });

  it.each([
    'http://169.254.169.254/latest/meta-data/',
    'http://metadata.google.internal/computeMetadata/v1/',
    'http://[fe80::1]/',
    'http://[fd00:ec2::254]/',
    'http://[::ffff:169.254.169.254]/',
    'http://[::169.254.169.254]/',
    'http://[::ffff:0:169.254.169.254]/',
    'http://[64:ff9b::169.254.169.254]/',
    'http://[2002:a9fe:a9fe::]/',
    'http://metadata.google.internal./',
    'http://METADATA./',
    'http://instance-data./latest',
    'http://0xa9fea9fe/',
    'http://2852039166/',
  ])('blocks link-local and cloud metadata addresses even in development: %s', (url) => {
    expect(checkOutboundUrl(url, 'development')).toEqual({ ok: false, reason: 'private_address' });
    expect(checkOutboundUrl(url, 'production')).toEqual({ ok: false, reason: 'private_address' });
  });

  it('refuses other schemes and garbage in every mode', () => {
    expect(checkOutboundUrl('file:///etc/passwd', 'development')).toEqual({ ok: false, reason: 'unsupported_scheme' });
    expect(checkOutboundUrl('not a url', 'development')).toEqual({ ok: false, reason: 'invalid_url' });
  });
});
