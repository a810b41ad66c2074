import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env.js';
import { hashSecretKey } from '../crypto/api-keys.js';
import { parseScopes } from '../environments/service.js';
import { findKeyWithEnvironment, touchKey } from '../environments/store.js';
import { ApiError } from '../http/api-error.js';
import { recentKeys } from './key-cache.js';

const LAST_USED_RESOLUTION_MS = 60 * 60 * 1000;
const challenge = { 'WWW-Authenticate': 'Bearer realm="pier"' };

/**
 * Authenticates `Authorization: Bearer <secret key>` and puts the key's environment on the context.
 * Keys are looked up by their SHA-256, so the secret is never compared or stored in clear.
 */
export const requireSecretKey = secretKeyMiddleware({ cached: false });

/**
 * The same check for the hot paths, `/proxy` and `GET /records`, remembering a key's lookup for 5 s
 * in this isolate: each call otherwise pays a database round trip before it can start. A deleted or
 * rotated key is forgotten at once in the isolate that changed it and within 5 s everywhere else.
 */
export const requireSecretKeyCached = secretKeyMiddleware({ cached: true });

function secretKeyMiddleware(options: { cached: boolean }) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header('authorization');
    if (!header)
      throw new ApiError(
        'missing_auth_header',
        401,
        'Send your secret key as "Authorization: Bearer <key>"',
        undefined,
        challenge,
      );
    const match = /^Bearer[ \t]+([A-Za-z0-9._~+/=-]{8,512})[ \t]*$/i.exec(header);
    if (!match?.[1])
      throw new ApiError(
        'malformed_auth_header',
        401,
        'The Authorization header must be "Bearer <secret key>"',
        undefined,
        challenge,
      );
    const db = c.get('db');
    const hash = await hashSecretKey(match[1]);
    let found = options.cached ? recentKeys.get(hash) : undefined;
    if (!found) {
      const row = await findKeyWithEnvironment(db, hash);
      // Scopes parsed once per lookup, not on every request that reuses it.
      found = row ? { ...row, scopes: parseScopes(row.key.scopes) } : undefined;
      if (found && options.cached) recentKeys.set(hash, found);
    }
    if (!found) throw new ApiError('unauthorized', 401, 'The secret key is not valid', undefined, challenge);
    c.set('environment', found.environment);
    c.set('apiKey', { id: found.key.id, scopes: found.scopes ?? parseScopes(found.key.scopes) });
    const lastUsed = found.key.lastUsedAt ? Date.parse(found.key.lastUsedAt) : 0;
    // Recorded at most hourly and off the response path, so reads stay reads.
    if (Date.now() - lastUsed > LAST_USED_RESOLUTION_MS)
      c.executionCtx.waitUntil(touchKey(db, found.key.id).catch(() => {}));
    await next();
  });
}

/** Account-level routes (environments) need a key with the `account:*` scope. */
export const requireAccountScope = createMiddleware<AppEnv>(async (c, next) => {
  if (!c.get('apiKey').scopes.includes('account:*'))
    throw new ApiError('forbidden', 403, 'This route needs a key with the account:* scope');
  await next();
});
