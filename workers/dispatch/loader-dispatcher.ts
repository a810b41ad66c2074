import { RpcTarget, WorkerEntrypoint } from 'cloudflare:workers';
import { and, eq } from 'drizzle-orm';
import { toHex } from '../crypto/encoding.js';
import { openDb } from '../db/client.js';
import { deployedScripts } from '../db/schema.js';
import { SCRIPT_COMPATIBILITY_DATE, SCRIPT_MAIN_MODULE } from './namespace.js';
import { bindingKey, type DispatchOptions, type RunBinding, SCRIPT_NOT_FOUND_HEADER } from './run-script.js';

type ScriptOutboundFactory = (options: { props: { binding: RunBinding } }) => Fetcher;

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
      const db = openDb(env.DB);
      // The version only: the code (hundreds of KiB) is read when an isolate has to be made.
      const row = await db
        .select({ name: deployedScripts.name, version: deployedScripts.version })
        .from(deployedScripts)
        .where(eq(deployedScripts.name, name))
        .get();
      if (!row) return undefined;
      // One isolate per script version and binding (connection, kind, dry run): the outbound's
      // binding is fixed when an isolate is made, so isolates are never shared across connections,
      // and runs on the same binding reuse a warm isolate (one per run exhausts memory under load).
      const key = run
        ? `${row.name}@${row.version}~${toHex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(bindingKey(run))))}`
        : `${row.name}@${row.version}`;
      const worker = loader.get(key, async () => {
        const code = await db
          .select({ code: deployedScripts.code })
          .from(deployedScripts)
          .where(and(eq(deployedScripts.name, name), eq(deployedScripts.version, row.version)))
          .get();
        return {
          compatibilityDate: SCRIPT_COMPATIBILITY_DATE,
          mainModule: SCRIPT_MAIN_MODULE,
          // A redeploy between the two reads: an empty module answers 404 and the next run loads the new one.
          modules: {
            [SCRIPT_MAIN_MODULE]:
              code?.code ??
              `export default { fetch: () => new Response('redeployed', { status: 404, headers: { '${SCRIPT_NOT_FOUND_HEADER}': '1' } }) }`,
          },
          globalOutbound: run ? exports.ScriptOutbound({ props: { binding: run } }) : null,
          limits: options.limits,
        };
      });
      return worker.getEntrypoint();
    }, name);
  }
}
