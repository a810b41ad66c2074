/**
 * The outbound worker of Pier's dispatch namespace (production only). Every `fetch` a user script
 * makes arrives here, with the binding the platform dispatched it with (`parameters = ["binding"]`
 * in wrangler.toml, invisible to the script), and goes to the platform's script host, which serves
 * it as that binding's connection — or refuses it. Locally the Worker Loader's `globalOutbound`
 * (the `ScriptOutbound` entrypoint) plays this part; both end in the same `serveHostCall`.
 */
import type { RunBinding } from '../dispatch/run-script.js';

type OutboundEnv = {
  /** Set by the dispatch namespace per dispatch. */
  binding?: RunBinding;
  /** Service binding to the platform's `ScriptHost` entrypoint. */
  HOST: { serve(binding: RunBinding, request: Request): Promise<Response> };
};

export default {
  async fetch(request: Request, env: OutboundEnv): Promise<Response> {
    if (!env.binding)
      return Response.json(
        { error: { code: 'network_not_allowed', message: 'Scripts reach the network only through the platform' } },
        { status: 403 },
      );
    return env.HOST.serve(env.binding, request);
  },
};
