import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../../..');

export type RunningPlatform = {
  url: string;
  secretKey: string;
  stateDir: string;
  /**
   * Ends the platform: SIGTERM to its whole process group (like a terminal's Ctrl-C), or to `npm start`
   * only; `kill: true` sends SIGKILL to the group instead (a crash: nothing gets to finish).
   */
  stop(options?: { only?: 'npm'; kill?: boolean }): Promise<void>;
  output(): string;
  /** Resident memory of the workerd process that runs Pier's Worker, in bytes (Linux); 0 when not found. */
  workerRssBytes(): number;
  /** The Worker's own listening address (the same as `url` on Miniflare; behind the dev proxy with wrangler dev). */
  workerUrl(): Promise<string>;
  /** The pid of the `npm start` process (its process group is the platform). */
  pid: number;
};

/**
 * The workerd process that runs the Worker, found as a descendant of the platform's process
 * (`[pid, rss]`): the only one on Miniflare; with wrangler dev, the one with the inspector (the other
 * is its dev proxy). Undefined when there is none.
 */
function workerProcess(rootPid: number | undefined): [string, string] | undefined {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,rss=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((row) => row.trim().split(/\s+/));
  const parentOf = new Map(rows.map(([pid, ppid]) => [pid, ppid]));
  const descends = (pid: string | undefined) => {
    for (let at = pid, hops = 0; at && hops < 20; at = parentOf.get(at), hops++)
      if (Number(at) === rootPid) return true;
    return false;
  };
  const workerds = rows.filter(([pid, , , command]) => (command ?? '').endsWith('/workerd') && descends(pid));
  const worker =
    workerds.length === 1
      ? workerds[0]
      : workerds.find(([, , , , ...args]) => args.some((a) => a.startsWith('--inspector-addr')));
  return worker ? [worker[0] ?? '', worker[2] ?? ''] : undefined;
}

/** A free loopback port, found by binding port 0. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Listens on a free loopback port; returns the base URL and a close function. */
export async function listenOnLoopback(server: Server): Promise<{ url: string; close(): Promise<void> }> {
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/**
 * Starts the platform exactly as `npm start` does (the same script), on its own port and state
 * directory, and resolves once it printed its URL. `stop()` ends the whole process group.
 * `npmArgs` (e.g. `['run', 'dev']`) starts it another way.
 */
export async function startPlatform(
  options: {
    stateDir?: string;
    secretKey?: string;
    timeoutMs?: number;
    port?: number;
    env?: Record<string, string>;
  } = {},
): Promise<RunningPlatform> {
  const port = options.port ?? (await freePort());
  const stateDir = options.stateDir ?? (await mkdtemp(join(tmpdir(), 'pier-e2e-')));
  const secretKey = options.secretKey ?? `e2e_${crypto.randomUUID().replace(/-/g, '')}`;
  const child: ChildProcess = spawn('npm', ['start', '--silent'], {
    cwd: ROOT,
    env: { ...process.env, ...options.env, PORT: String(port), PIER_SECRET_KEY: secretKey, PIER_STATE_DIR: stateDir },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const url = `http://127.0.0.1:${port}`;
  await new Promise<void>((resolveStart, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`platform did not start in time:\n${output}`)),
      options.timeoutMs ?? 90_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(`Pier is running at ${url}`)) {
        clearTimeout(timer);
        resolveStart();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`platform exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    secretKey,
    stateDir,
    output: () => output,
    pid: child.pid ?? 0,
    workerRssBytes: () => Number(workerProcess(child.pid)?.[1] ?? 0) * 1024,
    workerUrl: async () => {
      const pid = workerProcess(child.pid)?.[0];
      if (!pid) throw new Error('the Worker process of the platform was not found');
      const ports = execFileSync('ss', ['-ltnpH'], { encoding: 'utf8' })
        .split('\n')
        .filter((line) => line.includes(`pid=${pid},`))
        .map((line) => /127\.0\.0\.1:(\d+)/.exec(line)?.[1])
        .filter((port): port is string => Boolean(port));
      for (const port of ports) {
        const candidate = `http://127.0.0.1:${port}`;
        const health = await fetch(`${candidate}/health`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
        if (health?.status === 200) return candidate;
      }
      throw new Error('the Worker’s own address was not found');
    },
    stop: (stopOptions = {}) =>
      new Promise<void>((resolveStop) => {
        const exited = () => child.exitCode !== null || child.signalCode !== null;
        if (exited() || !child.pid) return resolveStop();
        const group = -child.pid;
        if (stopOptions.only === 'npm') {
          child.once('exit', () => resolveStop());
          process.kill(child.pid, 'SIGTERM');
          return;
        }
        const signal = (name: NodeJS.Signals) => {
          try {
            process.kill(group, name);
          } catch {
            // the group is already gone
          }
        };
        const force = setTimeout(() => signal('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(force);
          // wrangler got the same SIGTERM; should it linger, nothing of the group outlives 5 s.
          setTimeout(() => signal('SIGKILL'), 5_000).unref();
          resolveStop();
        });
        signal(stopOptions.kill ? 'SIGKILL' : 'SIGTERM');
      }),
  };
}
