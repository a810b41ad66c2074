/**
 * `npm run bench -- profile-records`: where the runtime spends its CPU while `GET /records?limit=1000`
 * is paged at 4 clients — self time per function in every isolate that works (the Worker, the D1
 * simulator, the runtime's entry), to tell the Worker's own cost from the local database's.
 */
import { freePort, startPlatform } from '../test/e2e/support/platform.js';
import { frameKey, inspectorTargets, selfTimes, startProfile } from './devtools.js';
import { generatorSetup } from './records.js';
import { closedLoop, httpGet, loadAgent } from './stats.js';

export async function profileRecords(): Promise<string[]> {
  const inspectorPort = await freePort();
  const platform = await startPlatform({ env: { PIER_INSPECTOR_PORT: String(inspectorPort) } });
  const agent = loadAgent(16);
  const lines: string[] = [];
  try {
    const gen = await generatorSetup(platform);
    await gen.deploy(5000);
    await gen.run('bench');
    const page = () => httpGet(agent, `${platform.url}/records?model=Item&limit=1000`, gen.headers('bench'));
    const rows = (body: string) => (JSON.parse(body) as { records: unknown[] }).records.length;
    await closedLoop(4, 50, page, rows);
    const profiles = [];
    for (const target of await inspectorTargets(inspectorPort))
      if (target.webSocketDebuggerUrl)
        profiles.push({ id: target.id, profiling: await startProfile(target.webSocketDebuggerUrl) });
    const loop = await closedLoop(4, 400, page, rows);
    lines.push(`CPU profile: 400 pages of 1,000 records at 4 clients, ${loop.itemsPerSecond.toFixed(0)} records/s`);
    for (const { id, profiling } of profiles) {
      const byFunction = new Map<string, number>();
      let busy = 0;
      for (const { frame, us } of selfTimes(await profiling.stop())) {
        if (frame.functionName === '(idle)') continue;
        busy += us;
        byFunction.set(frameKey(frame), (byFunction.get(frameKey(frame)) ?? 0) + us);
      }
      // Isolates that only idle show nothing but "(program)": left out.
      if (busy - (byFunction.get(frameKey({ functionName: '(program)', url: '', lineNumber: -1 })) ?? 0) < 10_000)
        continue;
      lines.push(`${id}: busy ${(busy / 1000).toFixed(0)} ms; top functions by self time:`);
      for (const [key, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 12))
        lines.push(`  ${(us / 1000).toFixed(0).padStart(6)} ms  ${key}`);
    }
  } finally {
    agent.destroy();
    await platform.stop();
  }
  return lines;
}
