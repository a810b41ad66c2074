import { RpcTarget, WorkerEntrypoint } from 'cloudflare:workers';
import { eq } from 'drizzle-orm';
import { openDb } from '../db/client.js';
import { deployedScripts } from '../db/schema.js';
import { SCRIPT_COMPATIBILITY_DATE, SCRIPT_MAIN_MODULE } from './namespace.js';
import { type DispatchOptions, SCRIPT_NOT_FOUND_HEADER } from './run-script.js';

type ScriptOutboundFactory = (options: { props: { run: NonNullable<DispatchOptions['outbound']>['run'] } }) => Fetcher;

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
 * Bound as `DISPATCHER` in the local environment, so callers write `env.DISPATCHER.get(…)` in
 * both places. Scripts run in a Worker Loader isolate whose only way out (`globalOutbound`) is the
 * platform's `ScriptOutbound` entrypoint carrying the run's identity — the role the outbound worker
 * plays in production. Without a run they have no network at all (`globalOutbound: null`).
 */
export class LoaderDispatcher extends WorkerEntrypoint<Env> {
  get(name: string, _args?: Record<string, unknown>, options: DispatchOptions = {}): LoadedScript {
    const env = this.env;
    const exports = (this.ctx as unknown as { exports: { ScriptOutbound: ScriptOutboundFactory } }).exports;
    const run = options.outbound?.run;
    return new LoadedScript(async () => {
      const loader = env.LOADER;
      if (!loader) throw new Error('LOADER binding missing: LoaderDispatcher only runs in the local environment');
      const row = await openDb(env.DB).select().from(deployedScripts).where(eq(deployedScripts.name, name)).get();
      if (!row) return undefined;
      // One isolate per run: the outbound identity is fixed when an isolate is made, and nothing
      // a run leaves in module state can reach another run.
      const worker = loader.get(`${row.name}@${row.version}${run ? `#${run.runId}` : ''}`, () => ({
        compatibilityDate: SCRIPT_COMPATIBILITY_DATE,
        mainModule: SCRIPT_MAIN_MODULE,
        modules: { [SCRIPT_MAIN_MODULE]: row.code },
        globalOutbound: run ? exports.ScriptOutbound({ props: { run } }) : null,
        limits: options.limits,
      }));
      return worker.getEntrypoint();
    }, name);
  }
}
