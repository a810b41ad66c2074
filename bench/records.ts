/**
 * Records: ingest through a sync's `batchSave` and paging through `GET /records`, against raw D1
 * on the same runtime in the same run — a bare Worker inserting the same rows in D1 batches of
 * 1,000, and a bare Worker serving one 1,000-row `select` as JSON.
 *
 *   ingest        a sync saving N records of ~1 KB in batches of 1,000 (change detection on)
 *   re-run        the same sync again over unchanged data (writes nothing)
 *   page read     GET /records?limit=1000 at 4 clients
 *   page at size  one page when the connection holds 10k records vs many more
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Miniflare } from 'miniflare';
import { callApi } from '../sdk/cli/api.js';
import { compileProject, deploymentFunctions } from '../sdk/cli/compile.js';
import { startPlatform } from '../test/e2e/support/platform.js';
import { closedLoop, httpGet, loadAgent, ms } from './stats.js';

const rows = (body: string) => (JSON.parse(body) as { records: unknown[] }).records.length;

const RECORD_PAD = 'x'.repeat(950);

/** A sync that makes `total` records itself (no provider): what is measured is Pier's ingest. */
const generatorSync = (total: number) => `import { createSync } from 'nango';
import { z } from 'zod';
const Item = z.object({ id: z.string(), n: z.number(), pad: z.string() });
export default createSync({
  description: 'Generates records',
  frequency: 'every day',
  autoStart: false,
  models: { Item },
  exec: async (nango) => {
    const pad = ${JSON.stringify(RECORD_PAD)};
    for (let start = 0; start < ${total}; start += 1000) {
      const batch = [];
      for (let i = start; i < Math.min(${total}, start + 1000); i++) batch.push({ id: 'item-' + i, n: i, pad });
      await nango.batchSave(batch, 'Item');
    }
  },
});
`;

const RAW_WORKER = `
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === '/setup') {
      await env.DB.prepare('CREATE TABLE IF NOT EXISTS rows (id TEXT PRIMARY KEY, n INTEGER, data TEXT)').run();
      return new Response('ok');
    }
    if (url.pathname === '/insert') {
      const start = Number(url.searchParams.get('start'));
      const pad = ${JSON.stringify(RECORD_PAD)};
      const statements = [];
      for (let i = start; i < start + 1000; i++)
        statements.push(env.DB.prepare('INSERT INTO rows (id, n, data) VALUES (?, ?, ?)').bind('item-' + i, i, JSON.stringify({ id: 'item-' + i, n: i, pad })));
      await env.DB.batch(statements);
      return new Response('ok');
    }
    const { results } = await env.DB.prepare('SELECT id, n, data FROM rows ORDER BY id LIMIT 1000').all();
    return Response.json({ records: results.map((r) => JSON.parse(r.data)) });
  },
};`;

type Platform = Awaited<ReturnType<typeof startPlatform>>;
type SyncStatus = {
  syncs: {
    status: string;
    finishedAt: string | null;
    latestRun: { startedAt: string; finishedAt: string } | null;
    latestResult: Record<string, { added: number; updated: number }>;
  }[];
};

/**
 * Pier set up for the records benches: an integration `gen` whose sync `items` makes `count` records
 * of ~1 KB itself (model `Item`), redeployable with another count; `run` triggers it on a connection
 * (made on first use) and waits for the run to end.
 */
export async function generatorSetup(platform: Platform) {
  const target = { host: platform.url, secretKey: platform.secretKey };
  await callApi(target, 'POST', '/providers', {
    name: 'bench-gen',
    displayName: 'Bench',
    auth: { mode: 'API_KEY' },
    api: { baseUrl: 'https://bench.example' },
  });
  await callApi(target, 'POST', '/integrations', { unique_key: 'gen', provider: 'bench-gen' });
  const connections = new Set<string>();
  // Polls tolerate a dropped keep-alive socket (the runtime closes idle ones; a long run polls many times).
  const status = async (connection: string): Promise<SyncStatus> => {
    for (let attempt = 0; ; attempt++)
      try {
        return await callApi<SyncStatus>(
          target,
          'GET',
          `/sync/status?provider_config_key=gen&syncs=items&connection_id=${connection}`,
        );
      } catch (err) {
        if (attempt >= 5) throw err;
        await new Promise((r) => setTimeout(r, 200));
      }
  };
  return {
    deploy: async (count: number) => {
      const project = await mkdtemp(join(tmpdir(), 'pier-bench-records-'));
      await mkdir(join(project, 'gen/syncs'), { recursive: true });
      await writeFile(join(project, 'index.ts'), "import './gen/syncs/items.js';\n");
      await writeFile(join(project, 'gen/syncs/items.ts'), generatorSync(count));
      const compiled = await compileProject(project, { typeCheck: false });
      await callApi(target, 'POST', '/functions/deployments', {
        integrations: ['gen'],
        allow_destructive: true,
        functions: deploymentFunctions(compiled),
      });
    },
    run: async (connection: string) => {
      if (!connections.has(connection)) {
        await callApi(target, 'POST', '/connections', {
          provider_config_key: 'gen',
          connection_id: connection,
          credentials: { type: 'API_KEY', apiKey: 'k' },
        });
        connections.add(connection);
      }
      const before = (await status(connection)).syncs[0]?.finishedAt;
      await callApi(target, 'POST', '/sync/trigger', {
        provider_config_key: 'gen',
        connection_id: connection,
        syncs: ['items'],
      });
      for (;;) {
        const sync = (await status(connection)).syncs[0];
        if (sync?.finishedAt && sync.finishedAt !== before && sync.status !== 'RUNNING' && sync.latestRun) {
          if (sync.status !== 'SUCCESS') throw new Error(`sync ${sync.status}`);
          return {
            seconds: (Date.parse(sync.latestRun.finishedAt) - Date.parse(sync.latestRun.startedAt)) / 1000,
            result: sync.latestResult,
          };
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    /** The headers of `GET /records` for a connection. */
    headers: (connection: string) => ({
      authorization: `Bearer ${platform.secretKey}`,
      'connection-id': connection,
      'provider-config-key': 'gen',
    }),
  };
}

export async function benchRecords(options: { records?: number; large?: number } = {}): Promise<string[]> {
  const total = options.records ?? Number(process.env.BENCH_RECORDS ?? 20_000);
  const large = options.large ?? Number(process.env.BENCH_RECORDS_LARGE ?? 200_000);
  const lines: string[] = [];
  const raw = new Miniflare({
    modules: true,
    script: RAW_WORKER,
    compatibilityDate: '2026-04-20',
    host: '127.0.0.1',
    port: 0,
    d1Databases: ['DB'],
    d1Persist: await mkdtemp(join(tmpdir(), 'pier-bench-raw-')),
  });
  const rawUrl = (await raw.ready).toString().replace(/\/$/, '');
  const platform = await startPlatform();
  const agent = loadAgent(16);
  try {
    // Raw D1 insert of the same rows, batches of 1,000.
    await httpGet(agent, `${rawUrl}/setup`, {});
    const rawStart = performance.now();
    for (let start = 0; start < total; start += 1000) await httpGet(agent, `${rawUrl}/insert?start=${start}`, {});
    const rawInsertPerSecond = total / ((performance.now() - rawStart) / 1000);

    // Pier: a sync that saves the same number of ~1 KB records.
    const gen = await generatorSetup(platform);
    await gen.deploy(total);
    const first = await gen.run('bench');
    const again = await gen.run('bench');
    const ingestPerSecond = total / first.seconds;

    // Page reads: Pier's GET /records?limit=1000 and the raw page, 4 clients.
    const pierPage = () => httpGet(agent, `${platform.url}/records?model=Item&limit=1000`, gen.headers('bench'));
    const rawPage = () => httpGet(agent, `${rawUrl}/page`, {});
    await closedLoop(4, 20, pierPage, rows);
    await closedLoop(4, 20, rawPage, rows);
    const rawRead = await closedLoop(4, 200, rawPage, rows);
    const pierRead = await closedLoop(4, 200, pierPage, rows);

    // One page when the connection holds `large` records (another connection, same model).
    let largeLine = 'page at size: skipped (BENCH_RECORDS_LARGE=0)';
    if (large > 0) {
      await gen.deploy(large);
      await gen.run('large');
      const smallPage = await closedLoop(1, 50, pierPage);
      const largePage = await closedLoop(1, 50, () =>
        httpGet(agent, `${platform.url}/records?model=Item&limit=1000`, gen.headers('large')),
      );
      largeLine = `page at size: one 1,000-record page, connection of ${total.toLocaleString('en')} records p50 ${ms(smallPage.p50)}, of ${large.toLocaleString('en')} records p50 ${ms(largePage.p50)} → x${(largePage.p50 / smallPage.p50).toFixed(2)} (target ≤ 1.5)`;
    }

    lines.push(`Records: ${total.toLocaleString('en')} records of ~1 KB, same run (Miniflare runtime)`);
    lines.push(
      `ingest: raw D1 batch insert ${rawInsertPerSecond.toFixed(0)} rows/s; Pier batchSave (first run, ${JSON.stringify(first.result)}) ${ingestPerSecond.toFixed(0)} records/s → x${(ingestPerSecond / rawInsertPerSecond).toFixed(2)} of raw (target ≥ 0.50)`,
    );
    lines.push(
      `re-run over unchanged data: ${JSON.stringify(again.result)} in ${again.seconds.toFixed(2)} s vs ${first.seconds.toFixed(2)} s → x${(first.seconds / again.seconds).toFixed(2)} faster (target ≥ 3, writes nothing)`,
    );
    lines.push(
      `page read, limit=1000, 4 clients: raw D1 page ${rawRead.itemsPerSecond.toFixed(0)} rows/s (p50 ${ms(rawRead.p50)}); Pier GET /records ${pierRead.itemsPerSecond.toFixed(0)} records/s (p50 ${ms(pierRead.p50)}) → x${(pierRead.itemsPerSecond / rawRead.itemsPerSecond).toFixed(2)} of raw (targets ≥ 150,000/s and ≥ 0.70)`,
    );
    lines.push(largeLine);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- platform output ---\n${platform.output().slice(-2500)}`);
  } finally {
    agent.destroy();
    await platform.stop();
    await raw.dispose();
  }
  return lines;
}
