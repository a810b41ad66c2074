/**
 * `npm start`: runs Pier locally. Creates local secrets if missing, serves the Worker on workerd
 * through Miniflare (configured from wrangler.toml), applies D1 migrations, makes sure the dev
 * environment and its secret key exist, then prints the URL, the key and the OAuth callback URL.
 * Safe to run again: data and keys persist in PIER_STATE_DIR (default .wrangler/state).
 * `npm run dev` (`--wrangler`) serves the same Worker with `wrangler dev` instead, for its live reload.
 *
 * Environment: PORT (default 3003), PIER_SECRET_KEY (fixes the dev key), PIER_STATE_DIR, and the Worker
 * settings PIER_ACTION_TIMEOUT_SECONDS, PIER_SYNC_*, PIER_LOG_RETENTION_DAYS and PIER_WEBHOOK_* (over wrangler.toml's).
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { bootstrapDatabase, bootstrapThroughBinding, ensureDevVars, resolveSecretKey } from './lib/bootstrap.js';
import type { LocalRuntime } from './lib/local-runtime.js';
import { QUIET_ENV, WRANGLER_BIN } from './lib/wrangler.js';

const root = resolve(import.meta.dirname, '..');
const useWrangler = process.argv.includes('--wrangler');
const port = Number(process.env.PORT ?? 3003);
if (!Number.isInteger(port) || port < 1 || port > 65_535) {
  console.error(`PORT must be a TCP port number, not "${process.env.PORT}"`);
  process.exit(2);
}
const stateDir = resolve(root, process.env.PIER_STATE_DIR ?? '.wrangler/state');
const baseUrl = `http://127.0.0.1:${port}`;
/** How long a stop may take before the process exits anyway (the promise to callers: under 5 s). */
const STOP_DEADLINE_MS = 4_700;
/** How long a stop lets requests already under way finish before it flushes and stops the Worker. */
const DRAIN_MS = 200;

/** Refuses a taken port up front, in words, before anything starts. */
function assertPortFree(): Promise<void> {
  return new Promise((resolveFree, reject) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new Error(
          err.code === 'EADDRINUSE'
            ? `Port ${port} on 127.0.0.1 is already in use (another Pier, or another server). Stop it, or start with PORT=<another port>.`
            : `Cannot listen on 127.0.0.1:${port}: ${err.message}`,
        ),
      ),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolveFree()));
  });
}

function printBanner(secretKey: string): void {
  console.log(
    [
      '',
      `  Pier is running at ${baseUrl}`,
      `  Environment: dev (development mode)`,
      `  Secret key:  ${secretKey}`,
      `  OAuth callback URL (register it with providers): ${baseUrl}/oauth/callback`,
      `  Demo provider (no account needed): pier-demo — see "First hour" in README.md`,
      '',
      `  Try: curl -H "Authorization: Bearer ${secretKey}" ${baseUrl}/providers`,
      '',
    ].join('\n'),
  );
}

let stopping = false;

/** Stops on SIGINT/SIGTERM: `stop()` gets a few seconds, then the process exits regardless. Returns the handler. */
function onSignals(stop: () => Promise<void>): () => void {
  const handle = () => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(0), STOP_DEADLINE_MS).unref();
    stop()
      .catch(() => undefined)
      .finally(() => process.exit(0));
  };
  process.on('SIGINT', handle);
  process.on('SIGTERM', handle);
  return handle;
}

async function startOnMiniflare(secretKey: string, encryptionKeys: string): Promise<void> {
  // Loaded here only: miniflare and wrangler's API install exit hooks of their own on import.
  const { applyMigrations, splitStatements, startLocalRuntime } = await import('./lib/local-runtime.js');
  let runtime: LocalRuntime | undefined;
  const handle = onSignals(async () => {
    console.log('  Stopping: finishing work in progress…');
    // Work the Worker does after its responses first: requests still running end, then the log lines
    // waiting for their batch are written (the Worker answers once they are).
    await new Promise((r) => setTimeout(r, DRAIN_MS));
    if (runtime) {
      const flushed = await fetch(`${runtime.url}/__pier/flush`, { method: 'POST', signal: AbortSignal.timeout(3_800) })
        .then((r) => r.json() as Promise<{ queued: number; written: number }>)
        .catch((err: Error) => ({ error: err.name }));
      console.log(`  Stopped (log lines: ${JSON.stringify(flushed)})`);
    }
    await runtime?.dispose();
  });
  runtime = await startLocalRuntime({
    root,
    environment: 'local',
    port,
    stateDir,
    // Per state directory, so two platforms started side by side never share a bundle being written.
    buildDir: join(stateDir, 'pier-build'),
    // For profiling (bench/profile-proxy.ts): workerd's DevTools protocol on this port.
    ...(process.env.PIER_INSPECTOR_PORT ? { inspectorPort: Number(process.env.PIER_INSPECTOR_PORT) } : {}),
    vars: settingsFromEnvironment(),
  });
  // Miniflare's exit hook and the signal-exit handlers that wrangler and miniflare install on import would
  // end workerd (or re-raise the signal) before that work is done: our handler alone decides.
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    for (const listener of process.listeners(signal)) if (listener !== handle) process.removeListener(signal, listener);
  await applyMigrations(runtime.db, join(root, 'd1-migrations'));
  await bootstrapThroughBinding(runtime.db, { secretKey, encryptionKeys, demoOrigin: baseUrl }, splitStatements);
  // The local queues live in memory: webhook deliveries due while stopped are sent again now, not
  // at the next minute's sweep.
  await runtime
    .runScheduled('* * * * *')
    .catch((err: unknown) => console.error(`sweep failed: ${(err as Error).message}`));
  printBanner(secretKey);
}

/** Settings `npm start` passes to the Worker from its own environment, over wrangler.toml's. */
const PASSED_SETTINGS = [
  'PIER_ACTION_TIMEOUT_SECONDS',
  'PIER_SYNC_SLICE_SECONDS',
  'PIER_SYNC_CONCURRENCY',
  'PIER_LOG_RETENTION_DAYS',
  'PIER_WEBHOOK_TIMEOUT_SECONDS',
  'PIER_WEBHOOK_MAX_ATTEMPTS',
  'PIER_WEBHOOK_RETRY_BASE_SECONDS',
  'PIER_WEBHOOK_RETRY_MAX_SECONDS',
  'PIER_WEBHOOK_BREAKER_FAILURES',
  'PIER_WEBHOOK_BREAKER_COOLDOWN_SECONDS',
] as const;

function settingsFromEnvironment(): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const name of PASSED_SETTINGS) {
    const value = process.env[name];
    if (value !== undefined && value !== '') vars[name] = value;
  }
  return vars;
}

async function waitForHealth(deadlineMs: number): Promise<void> {
  while (Date.now() < deadlineMs) {
    const response = await fetch(`${baseUrl}/health`).catch(() => undefined);
    if (response?.ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Pier did not become healthy at ${baseUrl}/health in time`);
}

async function startOnWranglerDev(secretKey: string, encryptionKeys: string): Promise<void> {
  await bootstrapDatabase({
    root,
    target: { kind: 'local', stateDir },
    secretKey,
    encryptionKeys,
    demoOrigin: baseUrl,
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
    // Its own process group, so a stop reaches wrangler's workerd processes too.
    { cwd: root, env: { ...process.env, ...QUIET_ENV }, stdio: ['ignore', 'inherit', 'inherit'], detached: true },
  );
  /** Signals wrangler's whole group; false once nothing of it is left. */
  const signalGroup = (signal: NodeJS.Signals | 0): boolean => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
      return Boolean(child.pid);
    } catch {
      return false;
    }
  };
  onSignals(async () => {
    signalGroup('SIGTERM');
    // wrangler can take its time; nothing of it outlives the stop deadline.
    const killAt = Date.now() + STOP_DEADLINE_MS - 1_000;
    while (signalGroup(0) && Date.now() < killAt) await new Promise((r) => setTimeout(r, 100));
    signalGroup('SIGKILL');
  });
  child.on('exit', (code, signal) => {
    // wrangler ending on its own ends Pier; on a stop, the signal handler decides when to exit.
    if (!stopping) process.exit(code ?? (signal ? 0 : 1));
  });
  await waitForHealth(Date.now() + 60_000);
  printBanner(secretKey);
}

async function main(): Promise<void> {
  await assertPortFree();
  const vars = await ensureDevVars(root);
  const secretKey = await resolveSecretKey(root, process.env.PIER_SECRET_KEY);
  const encryptionKeys = vars.PIER_ENCRYPTION_KEYS ?? '';
  if (useWrangler) await startOnWranglerDev(secretKey, encryptionKeys);
  else await startOnMiniflare(secretKey, encryptionKeys);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
