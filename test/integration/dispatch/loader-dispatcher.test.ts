import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';

async function deploy(name: string, code: string): Promise<void> {
  await env.DB.prepare(
    `INSERT INTO deployed_scripts (name, code, version) VALUES (?, ?, ?)
     ON CONFLICT(name) DO UPDATE SET code = excluded.code, version = excluded.version`,
  )
    .bind(name, code, crypto.randomUUID())
    .run();
}

// The local DISPATCHER is a service binding to LoaderDispatcher; production uses a dispatch namespace.
type LocalDispatcher = { get(name: string): { fetch(request: Request): Promise<Response> } };
const dispatcher = () => env.DISPATCHER as unknown as LocalDispatcher;

describe('Worker Loader stand-in for the dispatch namespace', () => {
  it('runs a deployed script and picks up a redeploy', async () => {
    await deploy('hello', `export default { fetch(req) { return new Response('v1 ' + new URL(req.url).pathname) } }`);
    const first = await dispatcher().get('hello').fetch(new Request('http://script/run'));
    expect(await first.text()).toBe('v1 /run');
    await deploy('hello', `export default { fetch() { return new Response('v2') } }`);
    expect(await (await dispatcher().get('hello').fetch(new Request('http://script/'))).text()).toBe('v2');
  });

  it('fails like production for an unknown script', async () => {
    await expect(dispatcher().get('missing').fetch(new Request('http://script/'))).rejects.toThrow('not found');
  });

  it('gives scripts no network of their own', async () => {
    await deploy(
      'escape',
      `export default { async fetch() { try { await fetch('http://127.0.0.1:1/'); return new Response('reached'); } catch (e) { return new Response('blocked'); } } }`,
    );
    expect(await (await dispatcher().get('escape').fetch(new Request('http://script/'))).text()).toBe('blocked');
  });
});
