import { createServer } from 'node:http';
import { listenOnLoopback, type RunningPlatform } from '../test/e2e/support/platform.js';

/** A local upstream answering a small JSON body, as the proxy benchmarks' provider API. */
export function startBenchUpstream(): ReturnType<typeof listenOnLoopback> {
  const body = JSON.stringify({ id: 'item-1', name: 'A small JSON answer', tags: ['a', 'b'] });
  return listenOnLoopback(
    createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
      res.end(body);
    }),
  );
}

/**
 * Gives the platform an API-key provider on `upstreamUrl`, an integration and one connection, and
 * returns the headers a proxied call to it sends.
 */
export async function connectBenchTarget(
  platform: RunningPlatform,
  upstreamUrl: string,
): Promise<Record<string, string>> {
  const call = async (path: string, payload: unknown) => {
    const response = await fetch(`${platform.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${platform.secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    });
    if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
  };
  await call('/providers', {
    name: 'bench-api',
    displayName: 'Bench API',
    auth: { mode: 'API_KEY' },
    api: { baseUrl: upstreamUrl, headers: { authorization: 'Bearer ${apiKey}' } },
  });
  await call('/integrations', { unique_key: 'bench', provider: 'bench-api' });
  await call('/connections', {
    provider_config_key: 'bench',
    connection_id: 'bench-1',
    credentials: { type: 'API_KEY', apiKey: 'sk-bench' },
  });
  return { authorization: `Bearer ${platform.secretKey}`, 'connection-id': 'bench-1', 'provider-config-key': 'bench' };
}
