import { RpcTarget, WorkerEntrypoint } from 'cloudflare:workers';
import { eq } from 'drizzle-orm';
import { openDb } from '../db/client.js';
import { deployedScripts } from '../db/schema.js';
import { SCRIPT_NOT_FOUND_HEADER } from './run-script.js';

/** A loaded user script as the caller sees it: the same `fetch` a dispatch-namespace worker offers. */
class LoadedScript extends RpcTarget {
  constructor(
    private readonly load: () => Promise<Fetcher | undefined>,
    private readonly name: string,
  ) {
    super();
  }

  async fetch(request: Request): Promise<Response> {
    const entrypoint = await this.load();
    // Production dispatch throws for an unknown script; across RPC a throw is reported as an
    // unhandled rejection, so the stand-in answers with a marked 404 that run-script.ts maps the same way.
    if (!entrypoint)
      return new Response(`Worker "${this.name}" not found`, {
        status: 404,
        headers: { [SCRIPT_NOT_FOUND_HEADER]: '1' },
      });
    return entrypoint.fetch(request);
  }
}

/**
 * Local stand-in for the Workers for Platforms dispatch namespace (which cannot run in workerd).
 * Bound as `DISPATCHER` in the local environment, so callers write `env.DISPATCHER.get(name)` in
 * both places. Scripts run in a Worker Loader isolate with no network of their own
 * (`globalOutbound: null`); they reach providers only through the platform.
 */
export class LoaderDispatcher extends WorkerEntrypoint<Env> {
  get(name: string): LoadedScript {
    const env = this.env;
    return new LoadedScript(async () => {
      const loader = env.LOADER;
      if (!loader) throw new Error('LOADER binding missing: LoaderDispatcher only runs in the local environment');
      const row = await openDb(env.DB).select().from(deployedScripts).where(eq(deployedScripts.name, name)).get();
      if (!row) return undefined;
      const worker = loader.get(`${row.name}@${row.version}`, () => ({
        compatibilityDate: '2026-04-20',
        mainModule: 'script.js',
        modules: { 'script.js': row.code },
        globalOutbound: null,
      }));
      return worker.getEntrypoint();
    }, name);
  }
}
