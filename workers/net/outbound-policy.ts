import ipaddr from 'ipaddr.js';

/**
 * Where Pier may send requests whose URL a user controls (provider definitions, templates,
 * Base-Url-Override, redirects). In production only public http(s) hosts are allowed. In
 * development mode loopback and private networks are allowed so local test servers work, but
 * link-local and cloud metadata addresses stay blocked: no local server lives there.
 *
 * Addresses are parsed into numbers (ipaddr.js), never matched as text, so every spelling of an
 * address is judged alike: IPv4 in hex or as one integer (the URL parser normalises those), IPv6
 * that embeds an IPv4 address (`::a.b.c.d`, `::ffff:a.b.c.d`, `::ffff:0:a.b.c.d`, NAT64
 * `64:ff9b::/96`, 6to4 `2002::/16`, Teredo), and names with a trailing dot.
 *
 * Names are checked as written; a public name that resolves to a private address is stopped by
 * the platform (Workers cannot reach private networks without a tunnel).
 */

export type OutboundCheck =
  | { ok: true; url: URL }
  | { ok: false; reason: 'invalid_url' | 'unsupported_scheme' | 'private_address' };

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** Names that only ever mean this machine, its network, or a cloud's metadata service. */
const LOCAL_NAMES = new Set(['localhost', 'metadata.google.internal', 'metadata', 'instance-data']);
const LOCAL_SUFFIXES = ['.localhost', '.internal', '.local', '.localdomain', '.home.arpa'];
const METADATA_NAMES = new Set(['metadata.google.internal', 'metadata', 'instance-data']);

/** AWS's IPv6 instance-metadata address (the IPv4 one is link-local). */
const AWS_METADATA_V6 = ipaddr.parse('fd00:ec2::254');

/** The IPv4 addresses an IPv6 address carries, for every transition format that embeds one. */
function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4[] {
  const parts = address.parts;
  const v4 = (high: number, low: number) => new ipaddr.IPv4([high >> 8, high & 255, low >> 8, low & 255]);
  const [p0 = 0, p1 = 0, p2 = 0, p3 = 0, p4 = 0, p5 = 0, p6 = 0, p7 = 0] = parts;
  switch (address.range()) {
    case 'ipv4Mapped': // ::ffff:a.b.c.d
    case 'rfc6145': // ::ffff:0:a.b.c.d
    case 'rfc6052': // 64:ff9b::a.b.c.d (NAT64)
      return [v4(p6, p7)];
    case '6to4': // 2002:aabb:ccdd::
      return [v4(p1, p2)];
    case 'teredo': // 2001:0:server:flags:port:~client
      return [v4(p2, p3), v4(~p6 & 0xffff, ~p7 & 0xffff)];
    default:
      // The deprecated IPv4-compatible form ::a.b.c.d (the first 96 bits zero).
      return p0 === 0 && p1 === 0 && p2 === 0 && p3 === 0 && p4 === 0 && p5 === 0 ? [v4(p6, p7)] : [];
  }
}

/** The address itself and every IPv4 address hidden inside it. */
function addressesOf(address: Address): Address[] {
  return address.kind() === 'ipv6' ? [address, ...embeddedIPv4(address as ipaddr.IPv6)] : [address];
}

function isMetadataAddress(address: Address): boolean {
  return addressesOf(address).some(
    (a) =>
      a.range() === 'linkLocal' ||
      (a.kind() === 'ipv6' && (a as ipaddr.IPv6).match(AWS_METADATA_V6 as ipaddr.IPv6, 128)),
  );
}

/**
 * Public unicast only: no loopback, private, shared, link-local, reserved, multicast or transition
 * range, and no IPv6 that carries an IPv4 address (`::a.b.c.d` is "unicast" to ipaddr.js).
 */
function isPublicAddress(address: Address): boolean {
  if (address.range() !== 'unicast') return false;
  return address.kind() === 'ipv4' || embeddedIPv4(address as ipaddr.IPv6).length === 0;
}

function parseAddress(host: string): Address | undefined {
  const bare = host.replace(/^\[|\]$/g, '');
  return ipaddr.isValid(bare) ? ipaddr.parse(bare) : undefined;
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
  // `localhost.` and `metadata.google.internal.` are the same names as without the dot.
  const host = url.hostname.toLowerCase().replace(/\.+$/, '');
  if (host === '') return { ok: false, reason: 'invalid_url' };
  const address = parseAddress(host);
  if (address ? isMetadataAddress(address) : METADATA_NAMES.has(host)) return { ok: false, reason: 'private_address' };
  if (mode === 'development') return { ok: true, url };
  if (address) return isPublicAddress(address) ? { ok: true, url } : { ok: false, reason: 'private_address' };
  if (
    LOCAL_NAMES.has(host) ||
    LOCAL_SUFFIXES.some((suffix) => host.endsWith(suffix)) ||
    !host.includes('.') || // a single label is never a public name
    /^[\d.]+$/.test(host) // digits the URL parser did not take as an address
  )
    return { ok: false, reason: 'private_address' };
  return { ok: true, url };
}
