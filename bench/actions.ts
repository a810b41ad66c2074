/**
 * What an action costs over the proxy call it makes, in one run on the Miniflare runtime: Pier's
 * `/proxy` GET to a local upstream; an action that makes that same call (`nango.get`) and returns;
 * a no-op action (dispatch and the run's isolate alone). Actions are built and deployed with the CLI's
 * own compile step (zod bundled, as a real project has it).
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callApi } from '../sdk/cli/api.js';
import { compileProject, deploymentFunctions } from '../sdk/cli/compile.js';
import { startPlatform } from '../test/e2e/support/platform.js';
import { connectBenchTarget, startBenchUpstream } from './proxy-target.js';
import { closedLoop, httpGet, httpPost, loadAgent, ms } from './stats.js';

type Series = { rps: number; p50: number; p99: number };

async function writeProject(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'pier-bench-actions-'));
  await mkdir(join(dir, 'bench/actions'), { recursive: true });
  await writeFile(
    join(dir, 'index.ts'),
    "import './bench/actions/fetch-item.js';\nimport './bench/actions/noop.js';\n",
  );
  await writeFile(
    join(dir, 'bench/actions/fetch-item.ts'),
    `import { createAction } from 'nango';
import { z } from 'zod';
export default createAction({
  description: 'One GET through the proxy',
  input: z.object({ id: z.string() }),
  output: z.object({ name: z.string() }),
  exec: async (nango, input) => {
    const { data } = await nango.get({ endpoint: '/items/' + input.id });
    return { name: data.name };
  },
});
`,
  );
  await writeFile(
    join(dir, 'bench/actions/noop.ts'),
    `import { createAction } from 'nango';
import { z } from 'zod';
export default createAction({ description: 'Nothing', input: z.object({}), output: z.object({}), exec: async () => ({}) });
`,
  );
  return dir;
}

export async function benchActions(options: { requests?: number; levels?: number[] } = {}): Promise<string[]> {
  const requests = options.requests ?? 500;
  const levels = options.levels ?? [1, 10];
  const upstream = await startBenchUpstream();
  const platform = await startPlatform();
  const lines: string[] = [];
  try {
    const proxyHeaders = await connectBenchTarget(platform, upstream.url);
    const project = await writeProject();
    const compiled = await compileProject(project, { typeCheck: false });
    await callApi({ host: platform.url, secretKey: platform.secretKey }, 'POST', '/functions/deployments', {
      integrations: ['bench'],
      functions: deploymentFunctions(compiled),
    });
    const agent = loadAgent(64);
    const proxied = () => httpGet(agent, `${platform.url}/proxy/items/1`, proxyHeaders);
    const action = (name: string, input: unknown) => () =>
      httpPost(agent, `${platform.url}/action/trigger`, proxyHeaders, JSON.stringify({ action_name: name, input }));
    const fetchItem = action('fetch-item', { id: '1' });
    const noop = action('noop', {});
    for (const path of [proxied, fetchItem, noop]) await closedLoop(4, 100, path);

    lines.push(
      `Actions: ${requests} calls per series, closed loop, same upstream, same run (Miniflare runtime; bundles ${compiled
        .map((s) => `${s.name} ${(s.bytes / 1024).toFixed(0)} KiB`)
        .join(', ')})`,
    );
    lines.push('clients  series                         req/s     p50       p99');
    for (const clients of levels) {
      const p = await closedLoop(clients, requests, proxied);
      const a = await closedLoop(clients, requests, fetchItem);
      const n = await closedLoop(clients, requests, noop);
      const row = (name: string, s: Series) =>
        `${String(clients).padStart(7)}  ${name.padEnd(30)} ${s.rps.toFixed(0).padStart(6)}  ${ms(s.p50).padStart(8)}  ${ms(s.p99).padStart(8)}`;
      lines.push(row('Pier /proxy GET', p), row('action making that GET', a), row('no-op action', n));
      lines.push(
        `         action overhead over its proxy call: p50 +${ms(a.p50 - p.p50)} (target ≤ +5 ms), throughput x${(a.rps / p.rps).toFixed(2)} of /proxy`,
      );
    }
    agent.destroy();
  } finally {
    await platform.stop();
    await upstream.close();
  }
  return lines;
}
