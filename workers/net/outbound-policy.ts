/**
 * Where Pier may send requests whose URL a user controls (provider definitions, templates,
 * Base-Url-Override, redirects). In production only public http(s) hosts are allowed. In
 * development mode loopback and private networks are allowed so local test servers work, but
 * link-local and cloud metadata addresses stay blocked: no local server lives there.
 *
 * Names are checked as written; a public name that resolves to a private address is stopped by
 * the platform (Workers cannot reach private networks without a tunnel).
 */

export type OutboundCheck =
  | { ok: true; url: URL }
  | { ok: false; reason: 'invalid_url' | 'unsupported_scheme' | 'private_address' };

const BLOCKED_HOSTNAMES = new Set(['localhost', 'metadata.google.internal', 'metadata', 'instance-data']);

function isPrivateIPv4(host: string): boolean {
  const parts = host.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return false;
  const [a = 0, b = 0] = parts;
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 198 && (b === 18 || b === 19)) ||
    a >= 224
  );
}

function isPrivateIPv6(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (!h.includes(':')) return false;
  if (h === '::' || h === '::1') return true;
  if (h.startsWith('fc') || h.startsWith('fd') || h.startsWith('fe80') || h.startsWith('ff')) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
  if (mapped?.[1]) return isPrivateIPv4(mapped[1]);
  // URL parsing rewrites ::ffff:127.0.0.1 as ::ffff:7f00:1.
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(h);
  if (hex?.[1] && hex[2]) {
    const high = Number.parseInt(hex[1], 16);
    const low = Number.parseInt(hex[2], 16);
    return isPrivateIPv4(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`);
  }
  return false;
}

/** Link-local (169.254/16, fe80::/10) and the names and addresses clouds serve instance metadata on. */
function isMetadataHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  if (h === 'metadata.google.internal' || h === 'metadata' || h === 'instance-data') return true;
  if (/^169\.254\.\d+\.\d+$/.test(h) || h.startsWith('fe80:') || h === 'fd00:ec2::254') return true;
  const mapped = /^::ffff:(?:169\.254\.|a9fe:)/.test(h);
  return mapped;
}

/** @example checkOutboundUrl('http://127.0.0.1:9000/token', 'production') // { ok: false, reason: 'private_address' } */
export function checkOutboundUrl(raw: string, mode: 'development' | 'production'): OutboundCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'invalid_url' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, reason: 'unsupported_scheme' };
  const host = url.hostname.toLowerCase();
  if (isMetadataHost(host)) return { ok: false, reason: 'private_address' };
  if (mode === 'development') return { ok: true, url };
  if (
    BLOCKED_HOSTNAMES.has(host) ||
    host.endsWith('.localhost') ||
    host.endsWith('.internal') ||
    host.endsWith('.local') ||
    isPrivateIPv4(host) ||
    isPrivateIPv6(host) ||
    /^\d+$/.test(host) // a bare integer is an IPv4 address in disguise
  )
    return { ok: false, reason: 'private_address' };
  return { ok: true, url };
}
