/**
 * What of a proxied call may be written to the operations log: the path and query the caller sent,
 * with values that look secret replaced. Credentials Pier adds itself never reach this text, since
 * they are applied to the upstream URL only; the value list catches callers who pass one anyway.
 */

/** Query names whose values are secret: whole words of the name (`pass`, `sig`), or anywhere (`token`). */
const SECRET_NAME =
  /(^|[_.-])(key|apikey|api_key|token|secret|password|passwd|pass|pwd|passphrase|signature|sig|hmac|auth|authorization|bearer|code|session|sessionid|sid|credential|credentials|private|refresh|jwt|assertion|otp|pin|nonce|cookie|ticket)([_.-]|$)|token|secret|password|passwd|apikey|session|signature|jwt|refresh/i;

/** A JSON Web Token (or JWS/JWE) wherever it stands: base64url `{"…` header, then dot-separated parts. */
const JWT_LIKE = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*(\.[A-Za-z0-9_-]*){0,2}/g;

export const REDACTED = '[redacted]';

/**
 * @example redactPathAndQuery('/v1/items?limit=5&api_key=abc', []) // '/v1/items?limit=5&api_key=[redacted]'
 */
export function redactPathAndQuery(pathAndQuery: string, secretValues: readonly string[]): string {
  const values = secretValues.filter((v) => v.length >= 4);
  const scrub = (text: string) => {
    let out = text.replace(JWT_LIKE, REDACTED);
    for (const v of values) {
      out = out.split(v).join(REDACTED);
      const encoded = encodeURIComponent(v);
      if (encoded !== v) out = out.split(encoded).join(REDACTED);
    }
    return out;
  };
  const mark = pathAndQuery.indexOf('?');
  const path = scrub(mark === -1 ? pathAndQuery : pathAndQuery.slice(0, mark));
  if (mark === -1) return path;
  const query = pathAndQuery
    .slice(mark + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq === -1 ? pair : pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {}
      if (eq !== -1 && SECRET_NAME.test(decoded)) return `${name}=${REDACTED}`;
      return scrub(pair);
    })
    .join('&');
  return `${path}?${query}`;
}
