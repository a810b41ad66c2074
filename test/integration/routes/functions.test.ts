import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { readConfig } from '../../../workers/config.js';
import { openDb } from '../../../workers/db/client.js';
import { findEnvironmentById } from '../../../workers/environments/store.js';
import { executeRun, newRunIdentity, type RunScope, resolveAction } from '../../../workers/functions/runs.js';
import { api, seedEnvironment } from '../support/fixtures.js';

const upstream = inject('providerApi').url;

/**
 * A script written against the runtime protocol by hand (what the CLI's bundles do through the
 * script SDK): `POST /run` with the invocation, calls to https://pier.internal with the run token.
 */
const script = (body: string) => `
export default {
  async fetch(request, env) {
    const inv = await request.json();
    const call = (path, init = {}) =>
      fetch('https://pier.internal' + path, { ...init, headers: { 'x-pier-run': inv.runToken, ...(init.headers || {}) } });
    const done = (output) => Response.json({ ok: true, output, logs: [] });
    ${body}
  }
};`;

const action = (name: string, body: string) => ({
  integration: 'fake',
  name,
  type: 'action',
  bundle: script(body),
});

describe('functions: deploy, run-bound host, actions', () => {
  let key: string;
  let environmentId: number;
  const trigger = (name: string, input: unknown = {}, connection = 'c1') =>
    api(
      key,
      'POST',
      '/action/trigger',
      { action_name: name, input },
      {
        'connection-id': connection,
        'provider-config-key': 'fake',
      },
    );
  const deploy = (functions: unknown[], extra: Record<string, unknown> = {}) =>
    api(key, 'POST', '/functions/deployments', { integrations: ['fake'], functions, ...extra });

  beforeAll(async () => {
    ({ key, id: environmentId } = await seedEnvironment({ prefix: 'functions' }));
    expect(
      (
        await api(key, 'POST', '/providers', {
          name: 'fake-api',
          displayName: 'Fake API',
          auth: { mode: 'API_KEY' },
          api: { baseUrl: upstream, headers: { 'x-api-key': '${apiKey}' } },
        })
      ).status,
    ).toBe(201);
    await api(key, 'POST', '/integrations', { unique_key: 'fake', provider: 'fake-api' });
    for (const id of ['c1', 'c2'])
      await api(key, 'POST', '/connections', {
        provider_config_key: 'fake',
        connection_id: id,
        credentials: { type: 'API_KEY', apiKey: `key-${id}` },
      });
    const deployed = await deploy(
      [
        action('bindings', `return done({ env: Object.keys(env), token: inv.runToken });`),
        action(
          'use-token',
          `const r = await fetch('https://pier.internal/metadata', { headers: { 'x-pier-run': inv.input.token } }); return done({ status: r.status, body: await r.json() });`,
        ),
        action('no-token', `const r = await fetch('https://pier.internal/metadata'); return done(r.status);`),
        action(
          'lock',
          `const r = await call('/locks/acquire', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: 'k', ttlMs: 60000 }) }); const got = (await r.json()).acquired; if (inv.input.release) await call('/locks/release', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: 'k' }) }); return done(got);`,
        ),
        action(
          'checkpoint',
          `const before = await (await call('/checkpoint')).json(); await call('/checkpoint', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ n: (before.checkpoint?.n ?? 0) + 1 }) }); return done(before.checkpoint);`,
        ),
        action(
          'raw-fetch',
          `const r = await call('/fetch', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: inv.input.url }) }); return done({ status: r.status, marker: r.headers.get('x-pier-fetch') });`,
        ),
        action('slow', `await new Promise((r) => setTimeout(r, 200)); return done(1);`),
        { ...action('broken', ''), bundle: "throw new Error('bad module at load'); export default {};" },
      ],
      { allow_destructive: true },
    );
    expect(deployed.status, JSON.stringify(deployed.json)).toBe(200);
  });

  it('gives scripts no bindings, and run tokens that only work for their own binding', async () => {
    const bindings = await trigger('bindings');
    expect(bindings.status).toBe(200);
    expect(bindings.json.env).toEqual([]);
    const token = bindings.json.token as string;
    // Another script (even on the same connection) cannot use that token; nor can a call without one.
    expect((await trigger('use-token', { token })).json).toMatchObject({ status: 401 });
    expect((await trigger('no-token')).json).toBe(401);
    // A forged token is refused the same way.
    const [runId, expires] = token.split('.');
    expect((await trigger('use-token', { token: `${runId}.${Number(expires) + 60_000}.AAAA` })).json).toMatchObject({
      status: 401,
    });
  });

  it('keeps locks across runs on a connection, and checkpoints per script and connection', async () => {
    expect((await trigger('lock', { release: false })).json).toBe(true);
    expect((await trigger('lock', { release: false })).json).toBe(false);
    expect((await trigger('lock', { release: false }, 'c2')).json).toBe(true); // another connection
    expect((await trigger('checkpoint')).json).toBeNull();
    expect((await trigger('checkpoint')).json).toEqual({ n: 1 });
    expect((await trigger('checkpoint', {}, 'c2')).json).toBeNull();
  });

  it('allows uncontrolledFetch only where the integration allows it', async () => {
    expect((await trigger('raw-fetch', { url: `${upstream}/me` })).json).toEqual({ status: 403, marker: null });
    await api(key, 'PATCH', '/integrations/fake', { integration_config: { allow_uncontrolled_fetch: 'true' } });
    const allowed = await trigger('raw-fetch', { url: `${upstream}/me` });
    expect(allowed.json.marker).toBe('upstream');
    // Metadata addresses stay closed whatever the integration says.
    expect((await trigger('raw-fetch', { url: 'http://169.254.169.254/latest/meta-data/' })).json.status).toBe(400);
    await api(key, 'PATCH', '/integrations/fake', { integration_config: {} });
  });

  it('reports a script whose isolate fails as the script’s failure, not the platform’s', async () => {
    const broken = await trigger('broken');
    expect(broken.status).toBe(500);
    expect(broken.json.error.code).toBe('script_error');
    expect(broken.json.error.message).toContain('could not run');
    expect((await trigger('slow')).status).toBe(200);
  });

  it('removes the code of an integration’s functions when the integration is deleted', async () => {
    await api(key, 'POST', '/integrations', { unique_key: 'doomed', provider: 'fake-api' });
    const deployed = await api(key, 'POST', '/functions/deployments', {
      integrations: ['doomed'],
      functions: [{ ...action('only', 'return done(1);'), integration: 'doomed' }],
    });
    expect(deployed.status).toBe(200);
    const names = async () =>
      (
        await env.DB.prepare(
          `SELECT f.dispatch_name AS name FROM functions f JOIN integrations i ON i.id = f.integration_id WHERE i.unique_key = 'doomed' AND f.environment_id = ?`,
        )
          .bind(environmentId)
          .all<{ name: string }>()
      ).results.map((r) => r.name);
    const [name] = await names();
    const stored = () => env.DB.prepare('SELECT name FROM deployed_scripts WHERE name = ?').bind(name).first();
    expect(await stored()).not.toBeNull();
    expect((await api(key, 'DELETE', '/integrations/doomed')).status).toBe(200);
    expect(await names()).toEqual([]);
    expect(await stored()).toBeNull();
  });

  it('ends a run past its time limit with 504 script_timeout', async () => {
    const db = openDb(env.DB);
    const environment = await findEnvironmentById(db, environmentId);
    if (!environment) throw new Error('no environment');
    const scope: RunScope = {
      env,
      db,
      config: readConfig(env),
      environment,
      requestId: 'test',
      waitUntil: () => undefined,
    };
    const target = await resolveAction(scope, 'fake', 'c1', 'slow');
    const run = newRunIdentity(scope, target, { timeoutMs: 50, dryRun: false, depth: 0 });
    const report = await executeRun(scope, target.fn.dispatchName, run, { input: {} });
    expect(report.outcome).toBe('failure');
    if (report.outcome === 'failure') expect([report.error.status, report.error.code]).toEqual([504, 'script_timeout']);
  });

  it('refuses bad deploys and bad triggers with documented errors', async () => {
    expect((await api(key, 'POST', '/functions/deployments', { integrations: [], functions: [] })).status).toBe(400);
    const unknownIntegration = await api(key, 'POST', '/functions/deployments', {
      integrations: ['nope'],
      functions: [],
    });
    expect(unknownIntegration).toMatchObject({ status: 404, json: { error: { code: 'unknown_provider_config' } } });
    const noEvent = await deploy([{ ...action('x', ''), type: 'on-event' }]);
    expect(noEvent.status).toBe(400);
    // Leaving scripts out removes them: refused without allow_destructive, and nothing changed.
    const destructive = await deploy([action('bindings', 'return done(1);')]);
    expect(destructive).toMatchObject({ status: 409, json: { error: { code: 'destructive_changes' } } });
    expect((await trigger('slow')).status).toBe(200);
    const plan = await deploy([action('bindings', 'return done(1);')], { dry_run: true });
    expect(plan.json.data).toMatchObject({
      applied: false,
      plan: { update: [{ name: 'bindings', changes: ['code'] }] },
    });
    expect(plan.json.data.plan.remove).toHaveLength(7);

    const missingHeaders = await api(key, 'POST', '/action/trigger', { action_name: 'slow' });
    expect(missingHeaders).toMatchObject({ status: 400, json: { error: { code: 'invalid_headers' } } });
    expect((await trigger('slow', {}, 'nobody')).json.error.code).toBe('unknown_connection');
    expect(
      (
        await api(key, 'POST', '/action/trigger', 'not json', {
          'connection-id': 'c1',
          'provider-config-key': 'fake',
          'content-type': 'application/json',
        })
      ).status,
    ).toBe(400);
  });
});
