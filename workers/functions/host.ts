/**
 * The script host: where every outbound `fetch` of a user script lands, bound to its run by the
 * platform (the loader's `globalOutbound` locally, the dispatch namespace's outbound worker in
 * production). The run decides the environment, integration and connection; nothing the script
 * sends can change them. Only calls to {@link HOST_ORIGIN} are served; anything else is refused.
 */
import { WorkerEntrypoint } from 'cloudflare:workers';
import { z } from 'zod';
import { PROXY_HEADERS } from '../../sdk/contract/proxy.js';
import { HOST_ORIGIN, RUN_HEADER } from '../../sdk/scripts/protocol.js';
import { RecentMap } from '../cache/recent-map.js';
import { readConfig } from '../config.js';
import { getConnection, resolveIntegration, setMetadata } from '../connections/service.js';
import { findConnectionRow } from '../connections/store.js';
import { verifyRunToken } from '../crypto/run-token.js';
import { type Db, openDb } from '../db/client.js';
import type { EnvironmentRow } from '../db/schema.js';
import { bindingKey, type RunBinding, type RunIdentity } from '../dispatch/run-script.js';
import { findEnvironmentById } from '../environments/store.js';
import { ApiError } from '../http/api-error.js';
import { readRequestJson } from '../http/validate.js';
import { formatIntegration } from '../integrations/service.js';
import { checkOutboundUrl } from '../net/outbound-policy.js';
import { paginationToWire } from '../providers/wire-format.js';
import { handleProxy } from '../proxy/proxy.js';
import { serveRecords } from './host-records.js';
import { type RunScope, runAction } from './runs.js';
import { acquireLock, readCheckpoint, releaseLocks, writeCheckpoint } from './store.js';

const MAX_HOST_BODY = 1024 * 1024;
const checkpointSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));
const metadataSchema = z.record(z.string(), z.unknown());
const lockSchema = z.object({ key: z.string().min(1).max(255), ttlMs: z.number().int().min(1).max(86_400_000) });
const releaseSchema = z.object({ key: z.string().min(1).max(255) });
const triggerSchema = z.object({ action_name: z.string().min(1).max(255), input: z.unknown().optional() });
const fetchSchema = z.object({
  url: z.string().min(1).max(8_192),
  method: z
    .string()
    .regex(/^[A-Z]+$/i)
    .max(16)
    .optional(),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.string().max(MAX_HOST_BODY).nullable().optional(),
});

function errorResponse(err: ApiError): Response {
  return Response.json(
    { error: { code: err.code, message: err.message, ...(err.errors ? { errors: err.errors } : {}) } },
    {
      status: err.status,
    },
  );
}

const jsonBody = <T extends z.ZodType>(request: Request, schema: T) => readRequestJson(request, schema, MAX_HOST_BODY);

/**
 * Serves one call a script made. `waitUntil` keeps work after the answer alive (log lines).
 *
 * @example await serveHostCall(env, run, request, (p) => ctx.waitUntil(p))
 */
export async function serveHostCall(
  env: Env,
  binding: RunBinding,
  request: Request,
  waitUntil: (promise: Promise<unknown>) => void,
): Promise<Response> {
  try {
    const url = new URL(request.url);
    if (url.origin !== HOST_ORIGIN)
      throw new ApiError(
        'network_not_allowed',
        403,
        `Scripts reach the network only through the connection's proxy (nango.proxy); ${url.origin} is not reachable`,
      );
    const config = readConfig(env);
    const token = await verifyRunToken(config, request.headers.get(RUN_HEADER), bindingKey(binding));
    if (!token.ok)
      throw token.reason === 'expired'
        ? new ApiError('run_expired', 403, 'This run has ended; its calls are refused')
        : new ApiError('unauthorized', 401, 'Calls to the platform must carry their run’s token');
    const run: RunIdentity = { ...binding, runId: token.runId, expiresAt: token.expiresAt };
    const db = openDb(env.DB);
    const environment = await environmentOf(db, run.environmentId, { remembered: url.pathname === '/records/diff' });
    if (!environment) throw new ApiError('unknown_environment', 403, 'The environment of this run no longer exists');
    const scope: RunScope = {
      env,
      db,
      config,
      environment,
      requestId: run.runId,
      waitUntil,
    };
    return await route(scope, run, request, url);
  } catch (err) {
    if (err instanceof ApiError) return errorResponse(err);
    const message = err instanceof Error ? (err.message.split('\n')[0] ?? '').replace(/params:.*$/i, '') : 'error';
    console.error(JSON.stringify({ level: 'error', error: 'script host', message: message.slice(0, 300) }));
    return errorResponse(new ApiError('internal_error', 500, 'The platform failed to serve this call'));
  }
}

/** Environments as a diff finds them: remembered 5 s (see `runTarget` in host-records.ts). */
const recentEnvironments = new RecentMap<EnvironmentRow>(5_000, 1_000, { forgetOnWrites: true });

async function environmentOf(db: Db, id: number, options: { remembered: boolean }) {
  const known = options.remembered ? recentEnvironments.get(String(id)) : undefined;
  if (known) return known;
  const environment = await findEnvironmentById(db, id);
  if (environment) recentEnvironments.set(String(id), environment);
  return environment;
}

/** A checkpoint belongs to a script on a connection, and for syncs with variants to the variant. */
export function checkpointKey(run: Pick<RunIdentity, 'functionName' | 'variant'>): string {
  return run.variant && run.variant !== 'base' ? `${run.functionName}::${run.variant}` : run.functionName;
}

async function route(scope: RunScope, run: RunIdentity, request: Request, url: URL): Promise<Response> {
  const path = url.pathname;
  const method = request.method;
  if (path === '/proxy' || path.startsWith('/proxy/')) return proxy(scope, run, request);

  const connectionScope = { db: scope.db, config: scope.config, env: scope.env, environment: scope.environment };
  const connectionRow = async () => {
    const { integration } = await resolveIntegration(connectionScope, run.integrationKey);
    const row = await findConnectionRow(scope.db, scope.environment.id, integration.id, run.connectionId);
    if (!row) throw new ApiError('unknown_connection', 404, 'The connection of this run no longer exists');
    return row;
  };

  switch (`${method} ${path}`) {
    case 'GET /connection':
      return Response.json(
        await getConnection(connectionScope, run.connectionId, run.integrationKey, {
          forceRefresh: false,
          includeRefreshToken: false,
        }),
      );
    case 'GET /integration': {
      const { integration, provider } = await resolveIntegration(connectionScope, run.integrationKey);
      return Response.json({
        integration: formatIntegration(integration),
        pagination: provider.api?.pagination ? paginationToWire(provider.api.pagination) : null,
      });
    }
    case 'GET /metadata':
      return Response.json(JSON.parse((await connectionRow()).metadata));
    case 'PUT /metadata':
    case 'PATCH /metadata': {
      const metadata = await jsonBody(request, metadataSchema);
      if (!run.dryRun)
        await setMetadata(connectionScope, {
          connectionIds: [run.connectionId],
          integrationKey: run.integrationKey,
          metadata,
          merge: method === 'PATCH',
        });
      return Response.json({ success: true, persisted: !run.dryRun });
    }
    case 'GET /environment-variables':
      // Environments have no variables of their own yet; the list is empty, not an error.
      return Response.json([]);
    case 'GET /checkpoint': {
      const stored = await readCheckpoint(scope.db, (await connectionRow()).id, checkpointKey(run));
      return Response.json({ checkpoint: stored ? JSON.parse(stored) : null });
    }
    case 'PUT /checkpoint':
    case 'DELETE /checkpoint': {
      const checkpoint = method === 'PUT' ? await jsonBody(request, checkpointSchema) : null;
      if (!run.dryRun)
        await writeCheckpoint(
          scope.db,
          (await connectionRow()).id,
          checkpointKey(run),
          checkpoint && JSON.stringify(checkpoint),
        );
      return Response.json({ success: true });
    }
    case 'POST /locks/acquire': {
      const { key, ttlMs } = await jsonBody(request, lockSchema);
      return Response.json({
        acquired: await acquireLock(scope.db, (await connectionRow()).id, key, run.runId, ttlMs),
      });
    }
    case 'POST /locks/release': {
      const { key } = await jsonBody(request, releaseSchema);
      return Response.json({
        released: (await releaseLocks(scope.db, (await connectionRow()).id, run.runId, key)) > 0,
      });
    }
    case 'POST /locks/release-all':
      await releaseLocks(scope.db, (await connectionRow()).id, run.runId);
      return Response.json({ success: true });
    case 'POST /actions/trigger': {
      const body = await jsonBody(request, triggerSchema);
      if (run.dryRun) throw new ApiError('forbidden', 403, 'A dry run cannot trigger other actions');
      const output = await runAction(scope, {
        integrationKey: run.integrationKey,
        connectionId: run.connectionId,
        actionName: body.action_name,
        input: body.input,
        depth: run.depth + 1,
      });
      return Response.json(output ?? null);
    }
    case 'POST /fetch':
      return uncontrolledFetch(scope, run, await jsonBody(request, fetchSchema));
    case 'POST /records/save':
    case 'POST /records/update':
    case 'POST /records/delete':
    case 'POST /records/diff':
    case 'POST /records/by-ids':
    case 'POST /records/list':
    case 'POST /records/track-deletes/start':
    case 'POST /records/track-deletes/end':
      return serveRecords(scope, run, path.slice('/records/'.length), request, connectionRow);
    default:
      throw new ApiError('not_found', 404, `The platform offers no ${method} ${path} to scripts`);
  }
}

/** A proxied call as the run's connection: the script's connection headers are replaced. */
function proxy(scope: RunScope, run: RunIdentity, request: Request): Promise<Response> {
  const headers = new Headers(request.headers);
  headers.set(PROXY_HEADERS.connectionId, run.connectionId);
  headers.set(PROXY_HEADERS.providerConfigKey, run.integrationKey);
  headers.delete('authorization');
  headers.delete(RUN_HEADER);
  const init: RequestInit & { duplex?: 'half' } = {
    method: request.method,
    headers,
    body: request.body,
    duplex: 'half',
  };
  return handleProxy(
    {
      env: scope.env,
      config: scope.config,
      db: scope.db,
      environment: scope.environment,
      requestId: run.runId,
      waitUntil: scope.waitUntil,
    },
    new Request(request.url, init),
  );
}

async function uncontrolledFetch(
  scope: RunScope,
  run: RunIdentity,
  options: z.output<typeof fetchSchema>,
): Promise<Response> {
  const { integration } = await resolveIntegration(
    { db: scope.db, config: scope.config, env: scope.env, environment: scope.environment },
    run.integrationKey,
  );
  let config: Record<string, unknown> = {};
  try {
    config = JSON.parse(integration.integrationConfig);
  } catch {}
  if (config.allow_uncontrolled_fetch !== 'true')
    throw new ApiError(
      'network_not_allowed',
      403,
      `Integration "${run.integrationKey}" does not allow uncontrolledFetch (integration_config.allow_uncontrolled_fetch = "true")`,
    );
  const checked = checkOutboundUrl(options.url, scope.config.mode);
  if (!checked.ok)
    throw new ApiError('forbidden_url', 400, `uncontrolledFetch refused ${options.url}: ${checked.reason}`);
  const upstream = await fetch(checked.url, {
    method: options.method ?? 'GET',
    headers: options.headers,
    body: options.body ?? undefined,
    redirect: 'manual',
  });
  const headers = new Headers(upstream.headers);
  headers.set('x-pier-fetch', 'upstream');
  return new Response(upstream.body, { status: upstream.status, headers });
}

/**
 * The outbound side of a locally loaded script: the loader's `globalOutbound`, made per isolate
 * with the binding in its props (set by the platform, invisible to the script).
 */
export class ScriptOutbound extends WorkerEntrypoint<Env, { binding: RunBinding }> {
  override fetch(request: Request): Promise<Response> {
    return serveHostCall(this.env, this.ctx.props.binding, request, (p) => this.ctx.waitUntil(p));
  }
}

/**
 * The same host for production's outbound worker (`workers/outbound/`), which receives the binding
 * from the dispatch namespace and calls this over a service binding only platform workers hold.
 */
export class ScriptHost extends WorkerEntrypoint<Env> {
  serve(binding: RunBinding, request: Request): Promise<Response> {
    return serveHostCall(this.env, binding, request, (p) => this.ctx.waitUntil(p));
  }
}
