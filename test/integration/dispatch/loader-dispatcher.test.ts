import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { runScript } from '../../../workers/dispatch/run-script.js';

async function deploy(name: string, code: string): Promise<void> {
  await env.DB.prepare(
    `INSERT INTO deployed_scripts (name, code, version) VALUES (?, ?, ?)
     ON CONFLICT(name) DO UPDATE SET code = excluded.code, version = excluded.version`,
  )
    .bind(name, code, crypto.randomUUID())
    .run();
}

async function text(name: string, url = 'http://script/'): Promise<string> {
  const result = await runScript(env, name, new Request(url));
  if (!result.ok) throw new Error(result.reason);
  return result.response.text();
}

describe('Worker Loader stand-in for the dispatch namespace', () => {
  it('runs a deployed script and picks up a redeploy', async () => {
    await deploy('hello', `export default { fetch(req) { return new Response('v1 ' + new URL(req.url).pathname) } }`);
    expect(await text('hello', 'http://script/run')).toBe('v1 /run');
    await deploy('hello', `export default { fetch() { return new Response('v2') } }`);
    expect(await text('hello')).toBe('v2');
  });

  it('reports an unknown script as script_not_found, as production does', async () => {
    expect(await runScript(env, 'missing', new Request('http://script/'))).toEqual({
      ok: false,
      reason: 'script_not_found',
    });
  });

  it('gives scripts no network of their own', async () => {
    await deploy(
      'escape',
      `export default { async fetch() { try { await fetch('http://127.0.0.1:1/'); return new Response('reached'); } catch (e) { return new Response('blocked'); } } }`,
    );
    expect(await text('escape')).toBe('blocked');
  });
});
