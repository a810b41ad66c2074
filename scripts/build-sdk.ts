/**
 * `npm run pack:sdk`: builds the SDK package for use outside this repository — `dist/cli.js` (the
 * `pier` binary) and `dist/index.js` (the backend client) — and packs it into `pier-sdk-<version>.tgz`
 * at the repository root. The script SDK stays TypeScript in the package: the CLI bundles it into
 * each script with esbuild and type-checks scripts against it.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type BuildOptions, build } from 'esbuild';

const sdk = resolve(import.meta.dirname, '../sdk');
rmSync(join(sdk, 'dist'), { recursive: true, force: true });
const common: BuildOptions = {
  bundle: true,
  format: 'esm',
  target: 'node20',
  platform: 'node',
  external: ['esbuild', 'typescript', 'zod'],
  logLevel: 'error',
};
await build({ ...common, entryPoints: [join(sdk, 'cli/main.ts')], outfile: join(sdk, 'dist/cli.js') });
await build({ ...common, entryPoints: [join(sdk, 'index.ts')], outfile: join(sdk, 'dist/index.js') });
await build({ ...common, entryPoints: [join(sdk, 'webhooks/index.ts')], outfile: join(sdk, 'dist/webhooks.js') });
if (process.argv.includes('--pack')) {
  const out = execFileSync('npm', ['pack', '--pack-destination', resolve(sdk, '..'), '--silent'], {
    cwd: sdk,
    encoding: 'utf8',
  });
  console.log(resolve(sdk, '..', out.trim().split('\n').at(-1) ?? ''));
}
