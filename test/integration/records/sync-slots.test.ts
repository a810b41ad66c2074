import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { acquireSyncSlot, releaseSyncSlot, syncConcurrency } from '../../../workers/functions/sync-runs.js';
import { seedEnvironment } from '../support/fixtures.js';

describe('sync slots: concurrent slices per environment', () => {
  it('gives out at most the configured number, renews a holder’s own, frees released and expired ones', async () => {
    const { id } = await seedEnvironment({ prefix: 'slots' });
    const limit = syncConcurrency(env);
    expect(limit).toBe(10);
    for (let i = 0; i < limit; i++) expect(await acquireSyncSlot(env, id, `h${i}`, 60_000)).toBe(true);
    expect(await acquireSyncSlot(env, id, 'late', 60_000)).toBe(false);
    // A holder renewing its own slot is not a new one.
    expect(await acquireSyncSlot(env, id, 'h0', 60_000)).toBe(true);
    // Another environment has its own slots.
    const other = await seedEnvironment({ prefix: 'slots' });
    expect(await acquireSyncSlot(env, other.id, 'late', 60_000)).toBe(true);

    await releaseSyncSlot(env, id, 'h1');
    expect(await acquireSyncSlot(env, id, 'late', 60_000)).toBe(true);
    expect(await acquireSyncSlot(env, id, 'later', 60_000)).toBe(false);
    // A slot whose lease ran out (its slice's process died) is free again.
    await releaseSyncSlot(env, id, 'h2');
    expect(await acquireSyncSlot(env, id, 'dying', -1)).toBe(true);
    expect(await acquireSyncSlot(env, id, 'later', 60_000)).toBe(true);
  });
});
