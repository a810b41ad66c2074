import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { validate } from '@readme/openapi-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { freePort, type RunningPlatform, startPlatform } from './support/platform.js';

/** Runs `npm start` with a port, as a person would, and collects what it prints until it exits. */
function runNpmStart(port: number, stateDir: string) {
  const child = spawn('npm', ['start', '--silent'], {
    cwd: `${import.meta.dirname}/../..`,
    env: { ...process.env, PORT: String(port), PIER_STATE_DIR: stateDir },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => {
    output += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    output += c.toString();
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, exited, output: () => output };
}

/** Pids left in a process group (the platform started as one). */
function groupMembers(pgid: number): Promise<string[]> {
  return new Promise((resolveList) => {
    const ps = spawn('ps', ['-eo', 'pgid=,pid=,stat=']);
    let text = '';
    ps.stdout.on('data', (c: Buffer) => {
      text += c.toString();
    });
    ps.on('close', () =>
      resolveList(
        text
          .split('\n')
          .map((l) => l.trim().split(/\s+/))
          .filter(([g, , stat]) => Number(g) === pgid && !stat?.startsWith('Z'))
          .map(([, pid]) => pid ?? ''),
      ),
    );
  });
}

describe('the local platform, started the way npm start does', () => {
  let platform: RunningPlatform | undefined;
  afterAll(async () => platform?.stop());

  const call = (path: string, init: RequestInit = {}, key = platform?.secretKey) =>
    fetch(`${platform?.url}${path}`, {
      ...init,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        'content-type': 'application/json',
        ...init.headers,
      },
    });

  it('becomes healthy within 30 s and serves the API with the dev key', async () => {
    const started = Date.now();
    platform = await startPlatform();
    const health = await fetch(`${platform.url}/health`);
    expect(health.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(platform.output()).toContain(`Secret key:  ${platform.secretKey}`);

    const unauthenticated = await call('/providers', {}, '');
    expect(unauthenticated.status).toBe(401);
    expect(((await unauthenticated.json()) as any).error.code).toBe('missing_auth_header');

    const providers = (await (await call('/providers')).json()) as any;
    expect(providers.data.length).toBeGreaterThanOrEqual(100);
  });

  it('starts quietly: the URL, the key and the OAuth callback URL, no warnings', async () => {
    const output = platform?.output() ?? '';
    expect(output).toContain(`OAuth callback URL (register it with providers): ${platform?.url}/oauth/callback`);
    expect(output).not.toMatch(/warn|▲|experimental|deprecated/i);
    const environment = (await (await call('/environment')).json()) as any;
    expect(environment.data.callback_url).toBe(`${platform?.url}/oauth/callback`);
  });

  it('refuses a busy port with a clear error and a non-zero exit, and prints no banner', async () => {
    const port = Number(new URL(platform?.url ?? '').port);
    const second = runNpmStart(port, platform?.stateDir ?? '');
    const code = await second.exited;
    expect(code).not.toBe(0);
    expect(second.output()).toContain(`Port ${port} on 127.0.0.1 is already in use`);
    expect(second.output()).not.toContain('Pier is running');
    // The running platform is untouched.
    expect((await fetch(`${platform?.url}/health`)).status).toBe(200);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'stops every process it started within 5 s on %s to the npm start process',
    async (signal) => {
      const port = await freePort();
      const run = runNpmStart(port, `${platform?.stateDir}-${signal}`);
      await eventually(
        async () => run.output(),
        (o) => o.includes('Pier is running'),
        { timeoutMs: 60_000, intervalMs: 100 },
      );
      const pgid = run.child.pid ?? 0;
      expect((await groupMembers(pgid)).length).toBeGreaterThanOrEqual(2);
      const sent = Date.now();
      process.kill(pgid, signal); // the npm process only, as a terminal's Ctrl-C or a supervisor would
      await run.exited;
      const left = await eventually(
        () => groupMembers(pgid),
        (pids) => pids.length === 0,
        { timeoutMs: 5_000, intervalMs: 100 },
      );
      expect(left).toEqual([]);
      expect(Date.now() - sent).toBeLessThan(5_000);
      const stillServing = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
      expect(stillServing).toBeUndefined();
    },
  );

  it('serves a valid OpenAPI 3.1 document', async () => {
    const doc = (await (await call('/openapi.json', {}, '')).json()) as any;
    expect(doc.openapi).toBe('3.1.0');
    const result = await validate(doc);
    expect(result.valid).toBe(true);
  });

  it('keeps a keep-alive connection usable after a route leaves the request body unread', async () => {
    // One socket for every request: a connection the runtime closed would fail the next request.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const post = (path: string, key: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(
          `${platform?.url}${path}`,
          { agent, method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' } },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', reject);
        req.end('{"unread":true}');
      });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        // A route that ignores its body, and a refusal before the body is read.
        statuses.push(await post('/webhooks/test', platform?.secretKey ?? ''));
        statuses.push(await post('/integrations', 'sk_not_a_key_of_this_platform'));
      }
      expect(statuses).toEqual(Array.from({ length: 6 }, () => [200, 401]).flat());
    } finally {
      agent.destroy();
    }
  });

  it('keeps data across a restart', async () => {
    const created = await call('/integrations', {
      method: 'POST',
      body: JSON.stringify({
        unique_key: 'persisted',
        provider: 'hubspot',
        credentials: { type: 'OAUTH2', client_id: 'id', client_secret: 'kept-secret' },
      }),
    });
    expect(created.status).toBe(200);
    const stateDir = platform?.stateDir;
    const secretKey = platform?.secretKey;
    await platform?.stop();
    platform = await startPlatform({ stateDir, secretKey });
    const got = (await (await call('/integrations/persisted?include=credentials')).json()) as any;
    expect(got.data).toMatchObject({
      unique_key: 'persisted',
      provider: 'hubspot',
      credentials: { client_secret: 'kept-secret' },
    });
  });

  it('replaces the dev key when PIER_SECRET_KEY changes, and the old key stops working', async () => {
    const { stateDir, secretKey: oldKey } = platform as RunningPlatform;
    await platform?.stop();
    platform = await startPlatform({ stateDir, secretKey: `rotated_${crypto.randomUUID().replace(/-/g, '')}` });
    expect((await call('/integrations', {}, oldKey)).status).toBe(401);
    const list = (await (await call('/integrations')).json()) as any;
    expect(list.data.map((i: { unique_key: string }) => i.unique_key)).toEqual(['persisted']);
  });
});
