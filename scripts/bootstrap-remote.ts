/**
 * `npm run bootstrap:remote`: after `wrangler deploy`, applies D1 migrations to the remote database
 * and creates the `dev` and `prod` environments with a bootstrap secret key (scopes environment:* and
 * account:*) for `dev`, printing the key once. Needs the same PIER_ENCRYPTION_KEYS value you stored
 * with `wrangler secret put`, and PIER_SECRET_KEY if you want to choose the key yourself.
 */
import { resolve } from 'node:path';
import { generateSecretKey } from '../workers/crypto/api-keys.js';
import { bootstrapDatabase } from './lib/bootstrap.js';

const root = resolve(import.meta.dirname, '..');
const encryptionKeys = process.env.PIER_ENCRYPTION_KEYS;
if (!encryptionKeys) {
  console.error('Set PIER_ENCRYPTION_KEYS to the value stored with `wrangler secret put PIER_ENCRYPTION_KEYS`.');
  process.exit(2);
}
const secretKey = process.env.PIER_SECRET_KEY ?? generateSecretKey();

bootstrapDatabase({ root, target: { kind: 'remote' }, secretKey, encryptionKeys })
  .then(() => {
    console.log(`Remote database ready. dev environment secret key (shown once): ${secretKey}`);
  })
  .catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
