import { createServer } from 'node:http';
import { listenOnLoopback } from './platform.js';

export type FakeCloudflareApi = {
  url: string;
  token: string;
  close(): Promise<void>;
};

type Upload = {
  account: string;
  namespace: string;
  name: string;
  metadata: unknown;
  module: string;
  contentType: string;
};

/**
 * A stand-in for the part of Cloudflare's API that Workers for Platforms deploys use:
 * `PUT` / `DELETE /accounts/:account/workers/dispatch/namespaces/:namespace/scripts/:name`, bearer
 * token auth, a multipart upload whose `metadata` part names the main module, answers in the
 * API's envelope (`{ success, errors, result }`). `GET /__uploads` lists what it holds (for tests).
 */
export async function startFakeCloudflareApi(token = 'test-cf-token'): Promise<FakeCloudflareApi> {
  const scripts = new Map<string, Upload>();
  const envelope = (status: number, result: unknown, errors: { code: number; message: string }[] = []) =>
    [status, JSON.stringify({ success: errors.length === 0, errors, messages: [], result })] as const;
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://x');
    const answer = ([status, text]: readonly [number, string]) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(text);
    };
    if (req.method === 'GET' && url.pathname === '/__uploads')
      return answer([200, JSON.stringify([...scripts.values()])]);
    if (req.headers.authorization !== `Bearer ${token}`)
      return answer(envelope(403, null, [{ code: 10000, message: 'Authentication error' }]));
    const match = /^\/accounts\/([^/]+)\/workers\/dispatch\/namespaces\/([^/]+)\/scripts\/([^/]+)$/.exec(url.pathname);
    if (!match) return answer(envelope(404, null, [{ code: 7003, message: 'No route for that URI' }]));
    const [, account, namespace, name] = match.map((m) => decodeURIComponent(m)) as [string, string, string, string];
    const key = `${account}/${namespace}/${name}`;
    if (req.method === 'DELETE') {
      if (!scripts.delete(key)) return answer(envelope(404, null, [{ code: 10007, message: 'script not found' }]));
      return answer(envelope(200, null));
    }
    if (req.method !== 'PUT') return answer(envelope(405, null, [{ code: 10000, message: 'method not allowed' }]));
    let form: FormData;
    try {
      form = await new Request('http://x', {
        method: 'PUT',
        headers: { 'content-type': req.headers['content-type'] ?? '' },
        body,
      }).formData();
    } catch {
      return answer(envelope(400, null, [{ code: 10021, message: 'expected a multipart upload' }]));
    }
    const metadataPart = form.get('metadata');
    const metadata = typeof metadataPart === 'string' ? metadataPart : await (metadataPart as Blob | null)?.text();
    let parsed: { main_module?: string; compatibility_date?: string } = {};
    try {
      parsed = JSON.parse(metadata ?? '');
    } catch {
      return answer(envelope(400, null, [{ code: 10021, message: 'metadata must be JSON' }]));
    }
    const main = parsed.main_module ? form.get(parsed.main_module) : null;
    if (!parsed.main_module || !(main instanceof Blob))
      return answer(envelope(400, null, [{ code: 10021, message: 'main_module names no uploaded part' }]));
    if (!parsed.compatibility_date)
      return answer(envelope(400, null, [{ code: 10021, message: 'compatibility_date is required' }]));
    scripts.set(key, { account, namespace, name, metadata: parsed, module: await main.text(), contentType: main.type });
    return answer(envelope(200, { id: name }));
  });
  return { ...(await listenOnLoopback(server)), token };
}
