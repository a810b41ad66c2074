/**
 * Dry runs: a compiled script (not deployed) run once against a real connection. Reads are real;
 * writes (metadata, checkpoints, records) are kept in the run and reported, never stored.
 */
import type { z } from 'zod';
import type { dryrunBodySchema } from '../../sdk/contract/functions.js';
import { requireConnection } from '../connections/service.js';
import { toHex } from '../crypto/encoding.js';
import { putScript, removeScript } from '../dispatch/namespace.js';
import { executeRun, newRunIdentity, type RunScope } from './runs.js';

/** A dry run may take as long as a synchronous action. */
export const DRYRUN_TIMEOUT_MS = 60_000;

export async function dryrunFunction(scope: RunScope, body: z.output<typeof dryrunBodySchema>) {
  const { integration, row: connection } = await requireConnection(scope, body.connection_id, body.integration);
  const hash = toHex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(body.bundle)));
  const name = `pier-dry-e${scope.environment.id}-${hash.slice(0, 24)}`;
  await putScript(scope.env, name, body.bundle, hash);
  const run = newRunIdentity(
    scope,
    { integration, connection, fn: body.function },
    {
      timeoutMs: DRYRUN_TIMEOUT_MS,
      dryRun: true,
      depth: 0,
    },
  );
  const started = Date.now();
  try {
    const report = await executeRun(scope, name, run, {
      input: body.input ?? null,
      // A dry run always carries its checkpoint (null = none), which keeps checkpoint writes in the run.
      checkpoint: body.checkpoint ?? null,
      lastSyncDate: body.last_sync_date ?? null,
      variant: body.variant,
    });
    return {
      ok: report.outcome === 'success',
      ...(report.outcome === 'success'
        ? { output: report.output }
        : {
            error: {
              code: report.error.code,
              message: report.error.message,
              ...(report.error.extra?.payload === undefined ? {} : { payload: report.error.extra.payload }),
            },
          }),
      logs: report.result?.logs ?? [],
      checkpoint: report.result?.checkpoint ?? null,
      duration_ms: Date.now() - started,
    };
  } finally {
    scope.waitUntil(removeScript(scope.env, name).catch(() => undefined));
  }
}
