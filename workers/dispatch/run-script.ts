/**
 * The one module that dispatches to user scripts. `env.DISPATCHER` is a dispatch namespace in
 * production and the LoaderDispatcher stand-in locally; both answer `get(name).fetch(request)`.
 */

/** Set by the local stand-in on its "no such script" answer. */
export const SCRIPT_NOT_FOUND_HEADER = 'x-pier-script-not-found';

export type ScriptResult = { ok: true; response: Response } | { ok: false; reason: 'script_not_found' };

type Dispatcher = { get(name: string): { fetch(request: Request): Promise<Response> } };

/**
 * Runs a deployed script's `fetch` handler.
 *
 * @example const result = await runScript(env, 'env1-github-sync-issues', new Request('https://script/run'))
 */
export async function runScript(env: Pick<Env, 'DISPATCHER'>, name: string, request: Request): Promise<ScriptResult> {
  const dispatcher = env.DISPATCHER as unknown as Dispatcher;
  let response: Response;
  try {
    response = await dispatcher.get(name).fetch(request);
  } catch (err) {
    // Workers for Platforms signals an unknown script by throwing.
    if (err instanceof Error && /not found/i.test(err.message)) return { ok: false, reason: 'script_not_found' };
    throw err;
  }
  if (response.headers.has(SCRIPT_NOT_FOUND_HEADER)) return { ok: false, reason: 'script_not_found' };
  return { ok: true, response };
}
