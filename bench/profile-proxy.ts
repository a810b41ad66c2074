/**
 * `npm run bench -- profile-proxy`: where Pier's Worker spends its CPU while `/proxy` is under load.
 * Starts the platform with workerd's inspector, takes a CPU profile (DevTools protocol) during a
 * closed loop of proxied GETs at 10 clients, and prints self time per function and per kind of work.
 */
import { freePort, startPlatform } from '../test/e2e/support/platform.js';
import { type Frame, frameKey, inspectorTargets, selfTimes, startProfile } from './devtools.js';
import { connectBenchTarget, startBenchUpstream } from './proxy-target.js';
import { httpGet, loadAgent } from './stats.js';

/** Function names by the kind of work they stand for (the bundle keeps names; runtime built-ins have no file). */
const KINDS: [string, RegExp][] = [
  [
    'Durable Object: rate-limit turn + credentials (SQL, decrypt)',
    /^(exec|toArray|one|readCredentials|readRateLimit|writeRateLimit|readMeta|getToken|beginCall|admit|decideRefresh|decrypt|importKey|openJson|fromBase64Url|needsReseal|idFromName|get|connectionStub|connectionObjectName)$/,
  ],
  [
    'secret-key check (SHA-256, cached lookup)',
    /^(hashSecretKey|digest|toHex|parseScopes|secretKeyMiddleware|findKeyWithEnvironment|touchKey)$/,
  ],
  ['upstream fetch (runtime)', /^(fetch|fetchWithTimeout|sendWithRedirects|Response|Request|AbortController|abort)$/],
  [
    'proxy: options, target, request and response',
    /^(handleProxy|readProxyOptions|resolveTarget|forward|authorize|authorizeRequest|templateVars|interpolate|interpolateAll|resolveProviderUrl|checkOutboundUrl|joinUrl|respond|readProxyBody|retryBudget|secretValues|redactPathAndQuery|scrub|URL|parse|stringify|JSON)$/,
  ],
  [
    'log batching (queueOperation, one D1 batch per 100 ms)',
    /^(queueOperation|settle|writePending|recordOperation|insertOperations|clipLine|clip|setTimeout|clearTimeout|sleep)$/,
  ],
  [
    'routing and middleware (hono, request id, headers)',
    /^(search|dispatch|compose|match|secureHeaders|requestId|randomUUID|platform|setHeaders|header|json|newResponse)$/,
  ],
  ['D1 query builder (drizzle)', /^(is|drizzle|extractTablesRelationalConfig|buildQuery|mapResultRow)$/],
];

function kindOf(frame: Frame): string {
  const name = frame.functionName;
  if (name === '(idle)' || name === '(program)' || name === '(garbage collector)') return name;
  return KINDS.find(([, names]) => names.test(name))?.[0] ?? 'other (anonymous closures, runtime internals)';
}

export async function profileProxy(): Promise<string[]> {
  const upstream = await startBenchUpstream();
  const inspectorPort = await freePort();
  const platform = await startPlatform({ env: { PIER_INSPECTOR_PORT: String(inspectorPort) } });
  const lines: string[] = [];
  try {
    const headers = await connectBenchTarget(platform, upstream.url);
    const agent = loadAgent(16);
    const proxied = () => httpGet(agent, `${platform.url}/proxy/items/1`, headers);
    const loop = async (total: number) => {
      let issued = 0;
      await Promise.all(
        Array.from({ length: 10 }, async () => {
          while (issued++ < total) await proxied();
        }),
      );
    };
    await loop(500); // warm up
    const targets = await inspectorTargets(inspectorPort);
    const target = targets.find((t) => t.id.includes('pier-local')) ?? targets[0];
    if (!target?.webSocketDebuggerUrl) throw new Error(`no inspector target: ${JSON.stringify(targets)}`);
    const profiling = await startProfile(target.webSocketDebuggerUrl);
    const started = performance.now();
    await loop(3000);
    const seconds = (performance.now() - started) / 1000;
    const profile = await profiling.stop();
    agent.destroy();

    const byFunction = new Map<string, number>();
    const byKind = new Map<string, number>();
    let total = 0;
    for (const { frame, us } of selfTimes(profile)) {
      total += us;
      const key = frameKey(frame);
      byFunction.set(key, (byFunction.get(key) ?? 0) + us);
      byKind.set(kindOf(frame), (byKind.get(kindOf(frame)) ?? 0) + us);
    }
    const busy = total - (byKind.get('(idle)') ?? 0);
    const pct = (us: number) => `${((100 * us) / busy).toFixed(1).padStart(5)} %`;
    lines.push(
      `CPU profile of the Worker: 3000 proxied GETs at 10 clients in ${seconds.toFixed(1)} s (${(3000 / seconds).toFixed(0)} req/s)`,
    );
    lines.push(`busy ${(busy / 1000).toFixed(0)} ms of ${(total / 1000).toFixed(0)} ms sampled; share of busy time:`);
    for (const [kind, us] of [...byKind].filter(([k]) => k !== '(idle)').sort((a, b) => b[1] - a[1]))
      lines.push(`  ${pct(us)}  ${kind}`);
    lines.push('top functions by self time:');
    for (const [key, us] of [...byFunction]
      .filter(([k]) => !k.startsWith('(idle)'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, 30))
      lines.push(`  ${pct(us)}  ${key}`);
  } finally {
    await platform.stop();
    await upstream.close();
  }
  return lines;
}
