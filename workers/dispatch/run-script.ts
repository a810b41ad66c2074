/**
 * The one module that dispatches to user scripts. `env.DISPATCHER` is a Workers for Platforms
 * dispatch namespace in production and the LoaderDispatcher stand-in locally; both answer
 * `get(name, args, { outbound }).fetch(request)`. The run's identity goes in `outbound`: in
 * production the namespace hands it to the outbound worker, locally the stand-in binds it to the
 * loaded script's `globalOutbound`. The script itself never sees it.
 */
import type { Invocation, RunResult } from '../../sdk/scripts/protocol.js';

/** Set by the local stand-in on its "no such script" answer. */
export const SCRIPT_NOT_FOUND_HEADER = 'x-pier-script-not-found';

/**
 * What a script's isolate is bound to, set by the platform when it dispatches: every call the
 * script makes back is served as this environment, integration, connection and script. The
 * script never sees it (it travels as the outbound's parameters).
 */
export type RunBinding = {
  environmentId: number;
  integrationKey: string;
  connectionId: string;
  functionName: string;
  kind: Invocation['kind'];
  /** Dry runs read but never write. */
  dryRun: boolean;
  /** How many actions deep (an action triggering an action): bounded. */
  depth: number;
  /** Syncs: the variant whose records the run writes (`base` unless the sync has variants). */
  variant?: string;
};

/** One run: its binding, plus the run id and the end of its time (carried by its signed run token). */
export type RunIdentity = RunBinding & {
  runId: string;
  /** Epoch ms after which the platform refuses the run's calls. */
  expiresAt: number;
};

/** The binding as one string (what run tokens are signed over, and what isolates are cached by). */
export function bindingKey(binding: RunBinding): string {
  return JSON.stringify([
    binding.environmentId,
    binding.integrationKey,
    binding.connectionId,
    binding.functionName,
    binding.kind,
    binding.dryRun,
    binding.depth,
    binding.variant ?? 'base',
  ]);
}

export function bindingOf(run: RunIdentity): RunBinding {
  const { runId: _runId, expiresAt: _expiresAt, ...binding } = run;
  return binding;
}

export type ScriptResult = { ok: true; response: Response } | { ok: false; reason: 'script_not_found' };

export type DispatchOptions = { outbound?: { run: RunBinding }; limits?: { cpuMs?: number; subRequests?: number } };
type Dispatcher = {
  get(
    name: string,
    args?: Record<string, unknown>,
    options?: DispatchOptions,
  ): { fetch(request: Request): Promise<Response> };
};

/**
 * Runs a deployed script's `fetch` handler.
 *
 * @example const result = await runScript(env, 'env1-github-sync-issues', new Request('https://script/run'))
 */
export async function runScript(
  env: Pick<Env, 'DISPATCHER'>,
  name: string,
  request: Request,
  options: DispatchOptions = {},
): Promise<ScriptResult> {
  const dispatcher = env.DISPATCHER as unknown as Dispatcher;
  let response: Response;
  const script = dispatcher.get(name, {}, options) as ReturnType<Dispatcher['get']> & { [Symbol.dispose]?: () => void };
  try {
    response = await script.fetch(request);
  } catch (err) {
    // Workers for Platforms signals an unknown script by throwing.
    if (err instanceof Error && /not found/i.test(err.message)) return { ok: false, reason: 'script_not_found' };
    throw err;
  } finally {
    // The local stand-in hands back an RPC stub: release it (a namespace's Fetcher has nothing to release).
    script[Symbol.dispose]?.();
  }
  if (response.headers.has(SCRIPT_NOT_FOUND_HEADER)) return { ok: false, reason: 'script_not_found' };
  return { ok: true, response };
}

export type RunOutcome = { ok: true; result: RunResult } | { ok: false; reason: 'script_not_found' | 'timeout' };

/** CPU time one run may use (the runtime stops a script past it). */
export const RUN_CPU_MS = 30_000;

/**
 * Runs one invocation of a script under a run identity, waiting at most until the run expires.
 *
 * @example await dispatchRun(env, fn.dispatchName, run, { kind: 'action', runId: run.runId, … })
 */
export async function dispatchRun(
  env: Pick<Env, 'DISPATCHER'>,
  name: string,
  run: RunIdentity,
  invocation: Invocation,
): Promise<RunOutcome> {
  const request = new Request('https://script/run', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(invocation),
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), Math.max(0, run.expiresAt - Date.now()));
  });
  try {
    const answer = await Promise.race([
      runScript(env, name, request, { outbound: { run: bindingOf(run) }, limits: { cpuMs: RUN_CPU_MS } }).then(
        async (result) =>
          result.ok ? { ok: true as const, result: (await result.response.json()) as RunResult } : result,
      ),
      timeout,
    ]);
    if (answer === 'timeout') return { ok: false, reason: 'timeout' };
    return answer;
  } finally {
    clearTimeout(timer);
  }
}
