import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

/**
 * The SDK as a user gets it: packed (`npm run pack:sdk`), installed into a project outside this
 * repository, its `pier` binary scaffolding and compiling a project with plain Node.
 */
describe('the packed SDK and its pier binary', () => {
  it('installs from the tarball and compiles a new project', { timeout: 180_000 }, async () => {
    const packed = await run('npm', ['run', '--silent', 'pack:sdk'], { cwd: ROOT });
    const tarball = packed.stdout.trim().split('\n').at(-1) ?? '';
    expect(tarball).toMatch(/pier-sdk-\d+\.\d+\.\d+\.tgz$/);

    const project = await mkdtemp(join(tmpdir(), 'pier-installed-'));
    await writeFile(
      join(project, 'package.json'),
      '{ "name": "my-integrations", "private": true, "type": "module" }\n',
    );
    // The SDK's dependencies (esbuild, typescript, zod) come from npm's cache when it has them.
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--save-dev', tarball], {
      cwd: project,
      env: { ...process.env, npm_config_loglevel: 'error' },
    });
    const pier = (...args: string[]) => run(join(project, 'node_modules/.bin/pier'), args, { cwd: project });

    expect((await pier('--help')).stdout).toContain('Usage: pier <command>');
    const init = JSON.parse((await pier('init', '--json')).stdout) as { files: string[] };
    expect(init.files).toContain('github/actions/create-issue.ts');
    // init keeps the project's own package.json.
    expect(JSON.parse(await readFile(join(project, 'package.json'), 'utf8')).name).toBe('my-integrations');
    const compiled = JSON.parse((await pier('compile', '--json')).stdout) as { name: string; type: string }[];
    expect(compiled.map((s) => `${s.type}/${s.name}`).sort()).toEqual([
      'action/create-issue',
      'on-event/remember-login',
      'sync/issues',
    ]);
    const failing = await pier('deploy').catch((err: { code: number; stderr: string }) => err);
    expect(failing).toMatchObject({ code: 1, stderr: expect.stringContaining('Set PIER_HOST') });
  });
});
