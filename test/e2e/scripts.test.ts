import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Nango } from '@nangohq/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pier, PierError } from '../../sdk/index.js';
import { eventually } from '../support/eventually.js';
import { type FakeGitHub, startFakeGitHub } from './support/fake-github.js';
import { nangoFailure } from './support/nango-failure.js';
import { type RunningPlatform, startPlatform } from './support/platform.js';

const ROOT = resolve(import.meta.dirname, '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const CLI = join(ROOT, 'sdk/cli/main.ts');

type CliResult = { code: number; stdout: string; stderr: string };

/**
 * From an empty folder to an action answering Nango's SDK: `pier init` → `pier compile` →
 * `pier deploy` to the local platform → `@nangohq/node`'s `triggerAction` → a fake GitHub receives
 * the call → result. Plus the failure paths, dry runs and destructive deploys.
 */
describe('scripts: init, compile, deploy and actions', () => {
  let platform: RunningPlatform;
  let github: FakeGitHub;
  let nango: Nango;
  let project: string;
  const pier = (args: string[], env: Record<string, string> = {}) =>
    new Promise<CliResult>((done) => {
      execFile(
        TSX,
        [CLI, ...args],
        {
          cwd: project,
          env: { ...process.env, PIER_HOST: platform.url, PIER_SECRET_KEY: platform.secretKey, ...env },
          timeout: 90_000,
        },
        (error, stdout, stderr) => done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });

  beforeAll(async () => {
    github = await startFakeGitHub(['gh-token-octo', 'gh-token-other']);
    platform = await startPlatform();
    nango = new Nango({ host: platform.url, secretKey: platform.secretKey });
    const client = new Pier({ host: platform.url, secretKey: platform.secretKey });
    await client.createProvider({
      name: 'fake-github',
      displayName: 'Fake GitHub',
      auth: { mode: 'API_KEY' },
      api: { baseUrl: github.url, headers: { authorization: 'Bearer ${apiKey}' } },
    });
    await client.createIntegration({ unique_key: 'github', provider: 'fake-github' });
    for (const [id, token] of [
      ['octo', 'gh-token-octo'],
      ['other', 'gh-token-other'],
    ] as const)
      await client.importConnection({
        provider_config_key: 'github',
        connection_id: id,
        credentials: { type: 'API_KEY', apiKey: token },
      });
    project = await mkdtemp(join(tmpdir(), 'pier-scripts-'));
  });

  afterAll(async () => {
    await platform?.stop();
    await github?.close();
  });

  it('scaffolds, compiles and deploys a project from an empty folder, then runs the action for @nangohq/node', async () => {
    const init = await pier(['init']);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain('github/actions/create-issue.ts');

    // Extra scripts for the failure paths, added the way a developer would.
    await writeFile(
      join(project, 'github/actions/refuse.ts'),
      `import { ActionError, createAction } from 'nango';
import { z } from 'zod';
export default createAction({
  description: 'Always refuses',
  input: z.object({}),
  output: z.object({}),
  exec: async () => { throw new ActionError({ message: 'not today', reason: 'closed' }); },
});
`,
    );
    await writeFile(
      join(project, 'github/on-events/check-token.ts'),
      `import { createOnEvent } from 'nango';
export default createOnEvent({
  event: 'validate-connection',
  description: 'Refuses credentials GitHub does not accept',
  exec: async (nango) => {
    await nango.get({ endpoint: '/user', retries: 0 });
  },
});
`,
    );
    await writeFile(
      join(project, 'github/on-events/goodbye.ts'),
      `import { createOnEvent } from 'nango';
export default createOnEvent({
  event: 'pre-connection-deletion',
  exec: async (nango) => {
    await nango.post({ endpoint: '/repos/acme/audit/issues', data: { title: 'goodbye ' + nango.connectionId } });
  },
});
`,
    );
    await writeFile(
      join(project, 'github/actions/unchecked-issue.ts'),
      `import { createAction } from 'nango';
import { z } from 'zod';
export default createAction({
  description: 'Creates an issue without checking the title',
  input: z.object({ title: z.string() }),
  output: z.object({ number: z.number() }),
  exec: async (nango, input) => {
    const { data } = await nango.post({ endpoint: '/repos/acme/widgets/issues', data: { title: input.title } });
    return { number: data.number };
  },
});
`,
    );
    await writeFile(
      join(project, 'github/actions/escape.ts'),
      `import { createAction } from 'nango';
import { z } from 'zod';
export default createAction({
  description: 'Tries every way out of its run',
  input: z.object({ target: z.string() }),
  output: z.record(z.string(), z.unknown()),
  exec: async (nango, input) => {
    const seen: Record<string, unknown> = {};
    try { seen.network = (await fetch(input.target)).status; } catch (e) { seen.network = String(e); }
    try { await nango.get({ endpoint: '/user', connectionId: 'other' }); seen.otherConnection = 'reached'; } catch (e) { seen.otherConnection = (e as Error).message; }
    // A call to the platform without the run's token (the context keeps it private) is refused.
    const raw = await fetch('https://pier.internal/proxy/user', { headers: { 'connection-id': 'other', 'provider-config-key': 'github' } });
    seen.raw = raw.status;
    seen.globals = ['DB', 'CONNECTION', 'DISPATCHER', 'LOADER'].filter((name) => name in globalThis);
    return seen;
  },
});
`,
    );
    await writeFile(
      join(project, 'index.ts'),
      `${await readFile(join(project, 'index.ts'), 'utf8')}import './github/actions/refuse.js';\nimport './github/actions/escape.js';\nimport './github/actions/unchecked-issue.js';\nimport './github/on-events/check-token.js';\nimport './github/on-events/goodbye.js';\n`,
    );

    const compile = await pier(['compile']);
    expect(compile.code, compile.stderr).toBe(0);
    expect(compile.stdout).toContain('github/action/create-issue');
    const definitions = JSON.parse(await readFile(join(project, 'build/definitions.json'), 'utf8'));
    expect(definitions.find((d: { name: string }) => d.name === 'create-issue').input_schema.required).toEqual([
      'owner',
      'repo',
      'title',
    ]);

    const deploy = await pier(['deploy', '--yes']);
    expect(deploy.code, deploy.stderr).toBe(0);
    expect(deploy.stdout).toContain('8 created');

    const result = await nango.triggerAction('github', 'octo', 'create-issue', {
      owner: 'acme',
      repo: 'widgets',
      title: 'Hello from an action',
    });
    expect(result).toEqual({ id: '1001', number: 1, url: 'https://github.example/acme/widgets/issues/1' });
    expect(github.issues).toEqual([
      { owner: 'acme', repo: 'widgets', title: 'Hello from an action', body: undefined, token: 'gh-token-octo' },
    ]);

    // The run is in the operations log: the action, its proxied call and its log line.
    type Line = { type: string; path: string; message: string | null };
    const logs = await eventually(
      async () => {
        const res = await fetch(`${platform.url}/logs?connection_id=octo`, {
          headers: { authorization: `Bearer ${platform.secretKey}` },
        });
        return ((await res.json()) as { data: Line[] }).data;
      },
      (lines) => lines.some((l) => l.type === 'action'),
    );
    expect(logs.map((l) => l.type)).toEqual(expect.arrayContaining(['action', 'proxy', 'script_log']));
    expect(logs.find((l) => l.type === 'script_log')?.message).toBe('Created issue 1');
  });

  it('answers invalid input, unknown actions, ActionError, provider errors and escapes in the documented shapes', async () => {
    const invalid = await nangoFailure(nango.triggerAction('github', 'octo', 'create-issue', { owner: 'acme' }));
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe('invalid_action_input');
    expect(invalid.body.error.errors.map((e: { path: string[] }) => e.path[0]).sort()).toEqual(['repo', 'title']);

    const unknown = await nangoFailure(nango.triggerAction('github', 'octo', 'no-such-action', {}));
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'unknown_action' } } });

    const refused = await nangoFailure(nango.triggerAction('github', 'octo', 'refuse', {}));
    expect(refused.status).toBe(500);
    expect(refused.body.error).toMatchObject({
      code: 'action_script_failure',
      message: 'not today',
      payload: { message: 'not today', reason: 'closed' },
    });

    // The action's own schema refuses an empty title; an action without that check gets GitHub's 422,
    // which comes back as the upstream failure (424) with the provider's status and body.
    expect(
      (await nangoFailure(nango.triggerAction('github', 'octo', 'create-issue', { owner: 'a', repo: 'b', title: '' })))
        .status,
    ).toBe(400);
    const upstream = await nangoFailure(nango.triggerAction('github', 'octo', 'unchecked-issue', { title: '' }));
    expect(upstream.status).toBe(424);
    expect(upstream.body.error).toMatchObject({
      code: 'script_http_error',
      upstream: { status: 422, body: { message: 'Validation Failed' } },
    });

    const seen = (await nango.triggerAction('github', 'octo', 'escape', { target: `${github.url}/user` })) as Record<
      string,
      unknown
    >;
    expect(seen.network).toBe(403);
    expect(seen.otherConnection).toContain('own connection');
    expect(seen.raw).toBe(401);
    expect(seen.globals).toEqual([]);
    // The direct request never reached the fake provider.
    expect(github.requests.filter((r) => r.authorization === '')).toEqual([]);
    expect(github.requests.filter((r) => r.authorization === 'Bearer gh-token-other')).toEqual([]);

    // Pier's backend SDK reports the same failures with their details.
    const client = new Pier({ host: platform.url, secretKey: platform.secretKey });
    const sdkFailure = await client.triggerAction('github', 'octo', 'refuse', {}).catch((e: unknown) => e);
    expect(sdkFailure).toBeInstanceOf(PierError);
    expect(sdkFailure).toMatchObject({
      status: 500,
      code: 'action_script_failure',
      details: { payload: { reason: 'closed' } },
    });
    const sdkUpstream = await client.triggerAction('github', 'octo', 'unchecked-issue', { title: '' }).catch((e) => e);
    expect(sdkUpstream).toMatchObject({ code: 'script_http_error', details: { upstream: { status: 422 } } });

    // The platform is still healthy.
    expect((await fetch(`${platform.url}/health`)).status).toBe(200);
  });

  it('dry-runs a script against a real connection and lists what is deployed', async () => {
    const dry = await pier(['dryrun', 'remember-login', 'octo', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ ok: true, output: null });
    // Nothing was saved: the metadata is still empty.
    const connection = await nango.getConnection('github', 'octo');
    expect(connection.metadata ?? {}).toEqual({});

    const status = await pier(['status', '--json']);
    expect(status.code, status.stderr).toBe(0);
    const [config] = JSON.parse(status.stdout);
    expect(config.providerConfigKey).toBe('github');
    expect(config.actions.map((a: { name: string }) => a.name).sort()).toEqual([
      'create-issue',
      'escape',
      'refuse',
      'unchecked-issue',
    ]);

    const listed = await fetch(`${platform.url}/integrations/github/functions?type=action`, {
      headers: { authorization: `Bearer ${platform.secretKey}` },
    });
    const body = (await listed.json()) as { data: { name: string; json_schema: unknown }[]; pagination: unknown };
    expect(body.pagination).toEqual({ total: 4, page: 0, limit: 20 });
    expect(body.data[0]).toMatchObject({ name: 'create-issue', type: 'action', source: 'repo', enabled: true });
    const client = new Pier({ host: platform.url, secretKey: platform.secretKey });
    const fn = await client.getFunction('github', 'create-issue');
    expect(fn).toMatchObject({ type: 'action', version: '1.0.0', input: 'Input', returns: ['Output'] });
    expect((fn.json_schema as { input: { required: string[] } }).input.required).toEqual(['owner', 'repo', 'title']);
    expect((await client.listFunctions('github', { type: 'on-event' })).data.map((f) => f.name)).toEqual([
      'check-token',
      'goodbye',
      'remember-login',
    ]);
  });

  it('runs on-event scripts: validation refuses bad credentials, post-creation fills metadata, pre-deletion runs first', async () => {
    const client = new Pier({ host: platform.url, secretKey: platform.secretKey });
    const refused = await fetch(`${platform.url}/connections`, {
      method: 'POST',
      headers: { authorization: `Bearer ${platform.secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        provider_config_key: 'github',
        connection_id: 'bad',
        credentials: { type: 'API_KEY', apiKey: 'not-a-github-token' },
      }),
    });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('connection_validation_failed');
    expect((await nangoFailure(nango.getConnection('github', 'bad'))).status).toBe(404);

    await client.importConnection({
      provider_config_key: 'github',
      connection_id: 'fresh',
      credentials: { type: 'API_KEY', apiKey: 'gh-token-octo' },
    });
    const connection = await eventually(
      () => nango.getConnection('github', 'fresh'),
      (c) => (c.metadata as { login?: string } | null)?.login !== undefined,
      { timeoutMs: 10_000 },
    );
    expect(connection.metadata).toEqual({ login: 'user-of-gh-token-octo' });

    await nango.deleteConnection('github', 'fresh');
    expect(github.issues.at(-1)).toMatchObject({ repo: 'audit', title: 'goodbye fresh' });
    expect((await nangoFailure(nango.getConnection('github', 'fresh'))).status).toBe(404);
  });

  it('asks before removing a deployed script, and removes it when confirmed', async () => {
    const index = await readFile(join(project, 'index.ts'), 'utf8');
    await writeFile(join(project, 'index.ts'), index.replace("import './github/actions/refuse.js';\n", ''));
    const refused = await pier(['deploy']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('action "refuse" of github is removed');
    expect(refused.stderr).toContain('Not deployed');
    expect((await nangoFailure(nango.triggerAction('github', 'octo', 'refuse', {}))).status).toBe(500);

    const confirmed = await pier(['deploy', '--yes']);
    expect(confirmed.code, confirmed.stderr).toBe(0);
    expect(confirmed.stdout).toContain('1 removed');
    expect((await nangoFailure(nango.triggerAction('github', 'octo', 'refuse', {}))).status).toBe(404);
  });
});
