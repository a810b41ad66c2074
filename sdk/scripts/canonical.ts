/**
 * The canonical JSON of a record (keys sorted at every level, `undefined` members left out) and its
 * SHA-256: how records are compared, the same in a script (which hashes before sending) and on the
 * platform. Key order therefore never makes an unchanged record look changed.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (value && typeof value === 'object') {
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function')
      return canonicalJson((value as { toJSON(): unknown }).toJSON());
    const keys = Object.keys(value as Record<string, unknown>).sort();
    const parts: string[] = [];
    for (const key of keys) {
      const member = (value as Record<string, unknown>)[key];
      if (member === undefined || typeof member === 'function') continue;
      parts.push(`${JSON.stringify(key)}:${canonicalJson(member)}`);
    }
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Hex SHA-256 of a record's canonical JSON. */
export async function recordHash(value: unknown): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonicalJson(value))));
  let out = '';
  for (const byte of digest) out += HEX[byte];
  return out;
}
