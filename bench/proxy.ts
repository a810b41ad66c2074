/**
 * The proxy's cost: the same GET to the same local upstream at 1, 10 and 50 concurrent clients
 * (closed loop: each client sends its next request when the last one is answered), in one run:
 * directly; through a do-nothing Worker and a one-`fetch` Worker on the same runtime as Pier
 * (workerd through Miniflare) — the floor any proxy on that runtime can reach; through Pier's
 * `/proxy`; and Pier's `GET /health` (the platform's own floor: routing and middleware).
 */
import { Miniflare } from 'miniflare';
import { startPlatform } from '../test/e2e/support/platform.js';
import { connectBenchTarget, startBenchUpstream } from './proxy-target.js';
import { closedLoop, httpGet, loadAgent, ms } from './stats.js';

type Series = { rps: number; p50: number; p99: number };

export async function benchProxy(options: { requests?: number; levels?: number[] } = {}): Promise<string[]> {
  const requests = options.requests ?? 2000;
  // 1 client shows the per-call cost without queueing; 10 and 50 are the targets' levels.
  const levels = options.levels ?? [1, 10, 50];
  const upstream = await startBenchUpstream();
  const platform = await startPlatform();
  // Bare Workers on the same runtime: what a request, and a request that makes one fetch, cost there.
  const bare = (script: string) =>
    new Miniflare({
      modules: true,
      script,
      compatibilityDate: '2026-04-20',
      host: '127.0.0.1',
      port: 0,
      bindings: { UPSTREAM: upstream.url },
    });
  const nothing = bare('export default { fetch: () => new Response("ok") };');
  const oneFetch = bare(
    'export default { async fetch(request, env) { const r = await fetch(env.UPSTREAM + new URL(request.url).pathname); return new Response(r.body, r); } };',
  );
  const nothingUrl = (await nothing.ready).toString().replace(/\/$/, '');
  const oneFetchUrl = (await oneFetch.ready).toString().replace(/\/$/, '');
  const lines: string[] = [];
  try {
    const proxyHeaders = await connectBenchTarget(platform, upstream.url);
    const agent = loadAgent(64);
    const direct = () => httpGet(agent, `${upstream.url}/items/1`, {});
    const doNothing = () => httpGet(agent, `${nothingUrl}/`, {});
    const fetchOnce = () => httpGet(agent, `${oneFetchUrl}/items/1`, {});
    const proxied = () => httpGet(agent, `${platform.url}/proxy/items/1`, proxyHeaders);
    const floor = () => httpGet(agent, `${platform.url}/health`, {});
    // Warm up every path (first-request compile, object creation, socket pool).
    for (const path of [direct, doNothing, fetchOnce, proxied, floor]) await closedLoop(10, 300, path);

    lines.push(`Proxy: ${requests} GETs per series, closed loop, same upstream, same run (Miniflare runtime)`);
    lines.push('clients  series                 req/s     p50       p99');
    for (const clients of levels) {
      const n = clients === 1 ? Math.min(requests, 500) : requests;
      const d = await closedLoop(clients, n, direct);
      const z = await closedLoop(clients, n, doNothing);
      const f = await closedLoop(clients, n, fetchOnce);
      const h = await closedLoop(clients, n, floor);
      const p = await closedLoop(clients, n, proxied);
      const row = (name: string, s: Series) =>
        `${String(clients).padStart(7)}  ${name.padEnd(21)} ${s.rps.toFixed(0).padStart(6)}  ${ms(s.p50).padStart(8)}  ${ms(s.p99).padStart(8)}`;
      lines.push(
        row('direct', d),
        row('do-nothing Worker', z),
        row('one-fetch Worker', f),
        row('Pier GET /health', h),
        row('Pier /proxy', p),
      );
      lines.push(
        `         /proxy vs one-fetch Worker: throughput x${(p.rps / f.rps).toFixed(2)} (target ≥ 0.50), p50 +${ms(p.p50 - f.p50)} (target ≤ +1 ms), p99 +${ms(p.p99 - f.p99)}`,
      );
    }
    agent.destroy();
  } finally {
    await platform.stop();
    await nothing.dispose();
    await oneFetch.dispose();
    await upstream.close();
  }
  return lines;
}
