/**
 * `npm start`: runs Pier locally. Creates local secrets if missing, applies D1 migrations, makes
 * sure the dev environment and its secret key exist, then serves with `wrangler dev` and prints the
 * URL and the key. Safe to run again: data and keys persist in PIER_STATE_DIR (default .wrangler/state).
 *
 * Environment: PORT (default 3003), PIER_SECRET_KEY (fixes the dev key), PIER_STATE_DIR.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { bootstrapDatabase, ensureDevVars, resolveSecretKey } from './lib/bootstrap.js';
import { QUIET_ENV, WRANGLER_BIN } from './lib/wrangler.js';

const root = resolve(import.meta.dirname, '..');
const port = Number(process.env.PORT ?? 3003);
if (!Number.isInteger(port) || port < 1 || port > 65_535) {
  console.error(`PORT must be a TCP port number, not "${process.env.PORT}"`);
  process.exit(2);
}
const stateDir = resolve(root, process.env.PIER_STATE_DIR ?? '.wrangler/state');
const baseUrl = `http://127.0.0.1:${port}`;

async function waitForHealth(deadlineMs: number): Promise<void> {
  while (Date.now() < deadlineMs) {
    try {
      const response = await fetch(`${baseUrl}/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Pier did not become healthy at ${baseUrl}/health in time`);
}

async function main(): Promise<void> {
  const vars = await ensureDevVars(root);
  const secretKey = await resolveSecretKey(root, process.env.PIER_SECRET_KEY);
  await bootstrapDatabase({
    root,
    target: { kind: 'local', stateDir },
    secretKey,
    encryptionKeys: vars.PIER_ENCRYPTION_KEYS ?? '',
  });

  const child = spawn(
    process.execPath,
    [
      WRANGLER_BIN,
      'dev',
      '--env',
      'local',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--persist-to',
      stateDir,
      '--show-interactive-dev-session=false',
    ],
    { cwd: root, env: { ...process.env, ...QUIET_ENV }, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  const stop = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));

  await waitForHealth(Date.now() + 60_000);
  console.log(
    [
      '',
      `  Pier is running at ${baseUrl}`,
      `  Environment: dev (development mode)`,
      `  Secret key:  ${secretKey}`,
      '',
      `  Try: curl -H "Authorization: Bearer ${secretKey}" ${baseUrl}/providers`,
      '',
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
