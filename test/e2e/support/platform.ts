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
  stop(): Promise<void>;
  output(): string;
  /** Resident memory of the platform's workerd process, in bytes (Linux). */
  workerdRssBytes(): number;
};

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
 */
export async function startPlatform(
  options: { stateDir?: string; secretKey?: string; timeoutMs?: number } = {},
): Promise<RunningPlatform> {
  const port = await freePort();
  const stateDir = options.stateDir ?? (await mkdtemp(join(tmpdir(), 'pier-e2e-')));
  const secretKey = options.secretKey ?? `e2e_${crypto.randomUUID().replace(/-/g, '')}`;
  const child: ChildProcess = spawn('npm', ['start', '--silent'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), PIER_SECRET_KEY: secretKey, PIER_STATE_DIR: stateDir },
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
    workerdRssBytes: () => {
      const rows = execFileSync('ps', ['-eo', 'pgid=,rss=,comm='], { encoding: 'utf8' }).split('\n');
      const mine = rows
        .map((row) => row.trim().split(/\s+/))
        .filter(([pgid, , comm]) => Number(pgid) === child.pid && (comm ?? '').includes('workerd'));
      return mine.reduce((sum, [, rss]) => sum + Number(rss) * 1024, 0);
    },
    stop: () =>
      new Promise<void>((resolveStop) => {
        const exited = () => child.exitCode !== null || child.signalCode !== null;
        if (exited() || !child.pid) return resolveStop();
        const group = -child.pid;
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
        signal('SIGTERM');
      }),
  };
}
