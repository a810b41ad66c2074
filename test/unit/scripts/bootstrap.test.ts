import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildBootstrapSql, ensureDevVars, parseDevVars, resolveSecretKey } from '../../../scripts/lib/bootstrap.js';
import { hashSecretKey } from '../../../workers/crypto/api-keys.js';

describe('local bootstrap', () => {
  it('creates .dev.vars with a 32-byte key once, then keeps it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pier-'));
    const first = await ensureDevVars(dir);
    expect(first.PIER_ENCRYPTION_KEYS).toMatch(/^k\d{8}:[A-Za-z0-9+/]{43}=$/);
    const second = await ensureDevVars(dir);
    expect(second.PIER_ENCRYPTION_KEYS).toBe(first.PIER_ENCRYPTION_KEYS);
    expect(parseDevVars(await readFile(join(dir, '.dev.vars'), 'utf8')).PIER_ENCRYPTION_KEYS).toBe(
      first.PIER_ENCRYPTION_KEYS,
    );
  });

  it('adds the key to an existing .dev.vars without losing other values', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pier-'));
    await writeFile(join(dir, '.dev.vars'), 'OTHER="x"\n');
    const vars = await ensureDevVars(dir);
    expect(vars.OTHER).toBe('x');
    expect(parseDevVars(await readFile(join(dir, '.dev.vars'), 'utf8'))).toMatchObject({ OTHER: 'x' });
  });

  it('uses PIER_SECRET_KEY when given, else keeps one generated key across runs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pier-'));
    expect(await resolveSecretKey(dir, 'automation-key-1234567')).toBe('automation-key-1234567');
    await expect(resolveSecretKey(dir, "short'")).rejects.toThrow('PIER_SECRET_KEY');
    const generated = await resolveSecretKey(dir, undefined);
    expect(generated).toMatch(/^pier_sk_/);
    expect(await resolveSecretKey(dir, undefined)).toBe(generated);
  });

  it('writes idempotent SQL holding only the hash of the key', async () => {
    const sql = await buildBootstrapSql({
      secretKey: 'automation-key-1234567',
      encryptionKeys: `k:${Buffer.alloc(32, 3).toString('base64')}`,
    });
    expect(sql).not.toContain('automation-key-1234567');
    expect(sql).toContain(await hashSecretKey('automation-key-1234567'));
    expect(sql.match(/ON CONFLICT/g)).toHaveLength(3);
    expect(sql).toContain(`'dev'`);
    expect(sql).toContain(`'prod'`);
  });
});
