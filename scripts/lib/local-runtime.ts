import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { Log, LogLevel, Miniflare } from 'miniflare';
import { unstable_getMiniflareWorkerOptions, unstable_readConfig, unstable_splitSqlQuery } from 'wrangler';
import { matchesCron, parseCron } from './cron.js';

/**
 * Pier's Worker on workerd through Miniflare's API, configured from `wrangler.toml` by wrangler's own
 * config → Miniflare mapping (the one `@cloudflare/vitest-pool-workers` uses), so the bindings have one
 * source of truth. Without `wrangler dev`'s extra layers (a dev-proxy workerd, the inspector, outbound
 * traffic through its Node process) the same Worker serves several times the requests.
 *
 * State (D1, Durable Objects, queues) persists under `<stateDir>/v3/`, the layout `wrangler dev
 * --persist-to <stateDir>` and `wrangler d1 … --local --persist-to` use, so both can share it.
 */
export type LocalRuntime = {
  url: string;
  db: D1Database;
  /** Runs the Worker's `scheduled` handler as the cron trigger would. */
  runScheduled(cron: string): Promise<void>;
  dispose(): Promise<void>;
};

type WorkerConfig = {
  workerOptions: Record<string, unknown>;
  main: string;
  define: Record<string, string>;
  crons: string[];
};

/** Reads wrangler.toml for an environment, without wrangler's notes on experimental fields. */
function readWorkerConfig(root: string, environment: string): WorkerConfig {
  const level = process.env.WRANGLER_LOG;
  process.env.WRANGLER_LOG = 'error';
  try {
    const configPath = join(root, 'wrangler.toml');
    const { workerOptions, main, define } = unstable_getMiniflareWorkerOptions(configPath, environment);
    const config = unstable_readConfig({ config: configPath, env: environment });
    return {
      workerOptions: workerOptions as unknown as Record<string, unknown>,
      main: main ?? join(root, 'workers/index.ts'),
      define: define ?? {},
      crons: config.triggers?.crons ?? [],
    };
  } finally {
    if (level === undefined) delete process.env.WRANGLER_LOG;
    else process.env.WRANGLER_LOG = level;
  }
}

/** Bundles the Worker like wrangler does for workerd (ES module, workerd/worker/browser conditions). */
async function bundleWorker(config: WorkerConfig, outdir: string): Promise<string> {
  const outfile = join(outdir, 'worker.js');
  await build({
    entryPoints: [config.main],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    external: ['cloudflare:*', 'node:*'],
    define: config.define,
    sourcemap: 'linked',
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

/** wrangler's migration bookkeeping table, so `wrangler d1 migrations list --local` agrees with us. */
const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS d1_migrations(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT UNIQUE,
  applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL
)`;

/** Splits a drizzle-kit migration (or any script of `;`-terminated statements) into statements. */
export function splitStatements(sql: string): string[] {
  return unstable_splitSqlQuery(sql.replaceAll('--> statement-breakpoint', ''))
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Applies the migrations in `d1-migrations/` not applied yet, each in one batch with its bookkeeping row. */
export async function applyMigrations(db: D1Database, dir: string): Promise<string[]> {
  await db.prepare(MIGRATIONS_TABLE).run();
  const applied = new Set(
    (await db.prepare('SELECT name FROM d1_migrations').all<{ name: string }>()).results.map((r) => r.name),
  );
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const done: string[] = [];
  for (const file of files) {
    if (applied.has(file)) continue;
    const statements = splitStatements(await readFile(join(dir, file), 'utf8'));
    await db.batch([
      ...statements.map((s) => db.prepare(s)),
      db.prepare('INSERT INTO d1_migrations (name) VALUES (?)').bind(file),
    ]);
    done.push(file);
  }
  return done;
}

function runtimeLogLevel(name: string): LogLevel {
  switch (name.toLowerCase()) {
    case 'debug':
      return LogLevel.DEBUG;
    case 'info':
      return LogLevel.INFO;
    case 'warn':
      return LogLevel.WARN;
    default:
      return LogLevel.ERROR;
  }
}

/** Runs every cron of the config at its minute, until disposed. */
function scheduleCrons(crons: string[], run: (cron: string) => Promise<void>): () => void {
  const parsed = crons.map((cron) => ({ cron, fields: parseCron(cron) }));
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    const now = new Date();
    for (const { cron, fields } of parsed)
      if (matchesCron(fields, now))
        run(cron).catch((err: unknown) => console.error(`cron ${cron} failed: ${(err as Error).message}`));
    timer = setTimeout(tick, 60_000 - (Date.now() % 60_000) + 50);
    timer.unref();
  };
  timer = setTimeout(tick, 60_000 - (Date.now() % 60_000) + 50);
  timer.unref();
  return () => clearTimeout(timer);
}

/**
 * Starts the Worker of `wrangler.toml`'s `environment` on 127.0.0.1:`port`. Throws a clear error when
 * the port is taken.
 */
export async function startLocalRuntime(options: {
  root: string;
  environment: string;
  port: number;
  stateDir: string;
  buildDir: string;
  /** workerd's inspector (DevTools protocol) on this port, for profiling; off by default. */
  inspectorPort?: number;
  /** Variables over the config's (the `PIER_*` settings `npm start` takes from its environment). */
  vars?: Record<string, string>;
}): Promise<LocalRuntime> {
  const config = readWorkerConfig(options.root, options.environment);
  const scriptPath = await bundleWorker(config, options.buildDir);
  const mf = new Miniflare({
    ...config.workerOptions,
    bindings: { ...(config.workerOptions as { bindings?: Record<string, unknown> }).bindings, ...options.vars },
    name: 'pier-local',
    modules: true,
    modulesRoot: options.buildDir,
    scriptPath,
    host: '127.0.0.1',
    port: options.port,
    defaultPersistRoot: join(options.stateDir, 'v3'),
    // PIER_LOG_LEVEL=debug|info|warn shows the runtime's own output (console.log of the Worker, crashes).
    ...(process.env.PIER_LOG_LEVEL ? { log: new Log(runtimeLogLevel(process.env.PIER_LOG_LEVEL)) } : {}),
    ...(options.inspectorPort ? { inspectorPort: options.inspectorPort } : {}),
  } as ConstructorParameters<typeof Miniflare>[0]);
  let url: URL;
  try {
    url = await mf.ready;
  } catch (err) {
    await mf.dispose().catch(() => undefined);
    throw err;
  }
  const worker = await mf.getWorker();
  const runScheduled = async (cron: string) => {
    await worker.scheduled({ cron, scheduledTime: new Date() });
  };
  const stopCrons = scheduleCrons(config.crons, runScheduled);
  return {
    url: url.toString().replace(/\/$/, ''),
    db: (await mf.getD1Database('DB')) as unknown as D1Database,
    runScheduled,
    dispose: async () => {
      stopCrons();
      await mf.dispose();
    },
  };
}
