/**
 * The proxy's cost: the same GET to the same local upstream, sent directly and through
 * `/proxy`, at 10 and 50 concurrent clients (closed loop: each client sends its next request when
 * the last one is answered), in one run. A third series, `GET /health` on the platform, is the
 * floor of any request through the local stack (wrangler's dev proxy + workerd), so the proxy's
 * own work can be told apart from the local platform's.
 */
import { createServer } from 'node:http';
import { listenOnLoopback, startPlatform } from '../test/e2e/support/platform.js';
import { httpGet, loadAgent, ms, summarize } from './stats.js';

type Series = { rps: number; p50: number; p99: number };

async function closedLoop(clients: number, total: number, call: () => Promise<{ status: number }>): Promise<Series> {
  const latencies: number[] = [];
  let issued = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (issued < total) {
        issued++;
        const t = performance.now();
        const { status } = await call();
        if (status !== 200) throw new Error(`status ${status}`);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const { p50, p99 } = summarize(latencies);
  return { rps: latencies.length / seconds, p50, p99 };
}

export async function benchProxy(options: { requests?: number; levels?: number[] } = {}): Promise<string[]> {
  const requests = options.requests ?? 2000;
  // 1 client shows the per-call cost without queueing; 10 and 50 are the targets' levels.
  const levels = options.levels ?? [1, 10, 50];
  const body = JSON.stringify({ id: 'item-1', name: 'A small JSON answer', tags: ['a', 'b'] });
  const upstream = await listenOnLoopback(
    createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
      res.end(body);
    }),
  );
  const platform = await startPlatform();
  const lines: string[] = [];
  try {
    const call = async (method: string, path: string, payload: unknown) => {
      const response = await fetch(`${platform.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${platform.secretKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(payload),
      });
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    };
    await call('POST', '/providers', {
      name: 'bench-api',
      displayName: 'Bench API',
      auth: { mode: 'API_KEY' },
      api: { baseUrl: upstream.url, headers: { authorization: 'Bearer ${apiKey}' } },
    });
    await call('POST', '/integrations', { unique_key: 'bench', provider: 'bench-api' });
    await call('POST', '/connections', {
      provider_config_key: 'bench',
      connection_id: 'bench-1',
      credentials: { type: 'API_KEY', apiKey: 'sk-bench' },
    });

    const agent = loadAgent(64);
    const proxyHeaders = {
      authorization: `Bearer ${platform.secretKey}`,
      'connection-id': 'bench-1',
      'provider-config-key': 'bench',
    };
    // The Worker's own port, behind wrangler's dev proxy: the same Worker without that extra hop.
    const worker = await platform.workerUrl();
    const direct = () => httpGet(agent, `${upstream.url}/items/1`, {});
    const proxied = () => httpGet(agent, `${platform.url}/proxy/items/1`, proxyHeaders);
    const floor = () => httpGet(agent, `${platform.url}/health`, {});
    const proxiedAtWorker = () => httpGet(agent, `${worker}/proxy/items/1`, proxyHeaders);
    const floorAtWorker = () => httpGet(agent, `${worker}/health`, {});
    // Warm up every path (first-request compile, object creation, socket pool).
    await closedLoop(10, 300, direct);
    await closedLoop(10, 300, proxied);
    await closedLoop(10, 300, floor);
    await closedLoop(10, 300, proxiedAtWorker);

    lines.push(`Proxy: ${requests} GETs per series, closed loop, same upstream, same run`);
    lines.push('clients  series                req/s     p50       p99');
    for (const clients of levels) {
      const n = clients === 1 ? Math.min(requests, 500) : requests;
      const d = await closedLoop(clients, n, direct);
      const h = await closedLoop(clients, n, floor);
      const p = await closedLoop(clients, n, proxied);
      const hw = await closedLoop(clients, n, floorAtWorker);
      const pw = await closedLoop(clients, n, proxiedAtWorker);
      const row = (name: string, s: Series) =>
        `${String(clients).padStart(7)}  ${name.padEnd(20)} ${s.rps.toFixed(0).padStart(6)}  ${ms(s.p50).padStart(8)}  ${ms(s.p99).padStart(8)}`;
      lines.push(
        row('direct', d),
        row('platform floor', h),
        row('via /proxy', p),
        row('floor, no devproxy', hw),
        row('/proxy, no devproxy', pw),
      );
      lines.push(
        `         ratios: proxied/direct throughput x${(p.rps / d.rps).toFixed(2)}, proxied/floor x${(p.rps / h.rps).toFixed(2)}, p50 added ${ms(p.p50 - d.p50)}` +
          ` (of which the local platform floor ${ms(h.p50 - d.p50)}, the proxy's own work ${ms(p.p50 - h.p50)})`,
        `         without wrangler's dev proxy: proxied/direct throughput x${(pw.rps / d.rps).toFixed(2)}, p50 added ${ms(pw.p50 - d.p50)}` +
          ` (floor ${ms(hw.p50 - d.p50)}, the proxy's own work ${ms(pw.p50 - hw.p50)})`,
      );
    }
    agent.destroy();
  } finally {
    await platform.stop();
    await upstream.close();
  }
  return lines;
}
