import { env } from 'cloudflare:test';
import { describe, expect, inject, it } from 'vitest';
import { NamespaceError, putScript, removeScript } from '../../../workers/dispatch/namespace.js';

type Upload = {
  account: string;
  namespace: string;
  name: string;
  metadata: Record<string, unknown>;
  module: string;
  contentType: string;
};

/** Production deploys: script code goes into the dispatch namespace through Cloudflare's API (a local stand-in here). */
describe('script namespace through Cloudflare’s API', () => {
  const api = inject('cloudflareApi');
  // No LOADER: the production path.
  const production = (token = api.token) => ({
    DB: env.DB,
    PIER_CF_ACCOUNT_ID: 'acc-123',
    PIER_CF_API_TOKEN: token,
    PIER_DISPATCH_NAMESPACE: 'pier-scripts',
    PIER_CF_API_BASE: api.url,
  });
  const uploads = async () => (await (await fetch(`${api.url}/__uploads`)).json()) as Upload[];

  it('uploads an ES module with its metadata as a multipart form, and removes it', async () => {
    const code = 'export default { fetch() { return new Response("ok") } }';
    await putScript(production(), 'pier-e1-abc', code, 'f'.repeat(64));
    const uploaded = (await uploads()).find((u) => u.name === 'pier-e1-abc');
    expect(uploaded).toMatchObject({
      account: 'acc-123',
      namespace: 'pier-scripts',
      module: code,
      contentType: 'application/javascript+module',
      metadata: { main_module: 'script.js', compatibility_date: '2026-04-20' },
    });
    await removeScript(production(), 'pier-e1-abc');
    expect((await uploads()).some((u) => u.name === 'pier-e1-abc')).toBe(false);
    // Removing what is already gone is not an error.
    await removeScript(production(), 'pier-e1-abc');
  });

  it('reports Cloudflare’s refusal in words, and a missing account configuration', async () => {
    await expect(putScript(production('wrong-token'), 'pier-e1-x', 'export default {}', 'a')).rejects.toThrow(
      /refused the script upload \(403\): Authentication error/,
    );
    await expect(
      putScript({ DB: env.DB, PIER_CF_API_BASE: api.url }, 'pier-e1-x', 'export default {}', 'a'),
    ).rejects.toBeInstanceOf(NamespaceError);
  });
});
