import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

/** A fixed, test-only encryption key (32 zero-free bytes); real keys come from .dev.vars or secrets. */
export const TEST_ENCRYPTION_KEYS = `test:${Buffer.alloc(32, 7).toString('base64')}`;

export default defineConfig(async () => {
  const migrations = await readD1Migrations('./d1-migrations');
  return {
    test: {
      projects: [
        {
          test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node' },
        },
        {
          plugins: [
            cloudflareTest({
              main: './workers/index.ts',
              wrangler: { configPath: './wrangler.toml', environment: 'local' },
              miniflare: { bindings: { PIER_ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS, TEST_MIGRATIONS: migrations } },
            }),
          ],
          test: {
            name: 'integration',
            include: ['test/integration/**/*.test.ts'],
            setupFiles: ['./test/integration/setup/apply-migrations.ts'],
            globalSetup: ['./test/integration/setup/global-oauth.ts'],
          },
        },
        {
          test: {
            name: 'e2e',
            include: ['test/e2e/**/*.test.ts'],
            environment: 'node',
            testTimeout: 120_000,
            hookTimeout: 120_000,
            fileParallelism: false,
          },
        },
      ],
    },
  };
});
