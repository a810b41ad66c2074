/**
 * The record calls of a sync script (`batchSave`, `batchUpdate`, `batchDelete`, `getRecordsByIds`,
 * `listRecords`, `trackDeletesStart/End`), served for its run: always the run's connection, model
 * names checked against the sync's declared models, writes through the connection's Durable Object.
 */
import { z } from 'zod';
import { connectionStub } from '../../durable-objects/connection-name.js';
import { RecentMap } from '../cache/recent-map.js';
import type { ConnectionRow } from '../db/schema.js';
import { bindingKey, type RunIdentity } from '../dispatch/run-script.js';
import { ApiError } from '../http/api-error.js';
import { readRequestJson } from '../http/validate.js';
import { chooseRecordsDb, decodeRecordCursor, encodeRecordCursor, formatRecord } from '../records/service.js';
import { type RecordsEnv, shardDatabase } from '../records/shards.js';
import { readPage, readRecordsByIds } from '../records/store.js';
import type { RunScope } from './runs.js';
import { declaredModels, findFunctionRow } from './store.js';

/** A batch of up to 1,000 records of about 1 KB, with room to spare. */
export const MAX_RECORDS_BODY = 8 * 1024 * 1024;
const MAX_BATCH = 1_000;

const modelName = z.string().min(1).max(255);
const recordId = z.string().min(1).max(1024);
/**
 * Which records would change: ids with their hashes concatenated (64 hex characters each), the
 * compact form scripts send; `items` is the form of scripts compiled before it.
 */
const diffSchema = z.union([
  z
    .object({
      model: modelName,
      ids: z.array(recordId).max(MAX_BATCH),
      hashes: z.string().regex(/^(?:[0-9a-f]{64})*$/),
    })
    .refine((b) => b.hashes.length === b.ids.length * 64, { message: 'hashes must hold one hash per id' }),
  z
    .object({
      model: modelName,
      items: z.array(z.object({ id: recordId, hash: z.string().regex(/^[0-9a-f]{64}$/) })).max(MAX_BATCH),
    })
    .transform((b) => ({ model: b.model, ids: b.items.map((i) => i.id), hashes: b.items.map((i) => i.hash).join('') })),
]);
const idsSchema = z.object({ model: modelName, ids: z.array(z.string().max(1024)).max(MAX_BATCH) });
const listSchema = z.object({
  model: modelName,
  cursor: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(MAX_BATCH).optional(),
});
const modelOnly = z.object({ model: modelName });

const body = <T extends z.ZodType>(request: Request, schema: T) => readRequestJson(request, schema, MAX_RECORDS_BODY);

/**
 * The run's connection row and its sync's models, looked up for each call. A diff (which records
 * would change) only reads, and a run makes one per batch: its lookup is remembered 5 s for the run,
 * like the proxy's. Writes look up afresh, so none lands for a connection deleted before it.
 */
const recentRunTargets = new RecentMap<{ row: ConnectionRow; models: string[] }>(5_000, 1_000, {
  forgetOnWrites: true,
});

async function runTarget(
  scope: RunScope,
  run: RunIdentity,
  connectionRow: () => Promise<ConnectionRow>,
  options: { remembered: boolean },
) {
  const key = `${run.runId}\u0000${bindingKey(run)}`;
  const known = options.remembered ? recentRunTargets.get(key) : undefined;
  if (known) return known;
  const row = await connectionRow();
  const [fn] = await findFunctionRow(scope.db, scope.environment.id, row.integrationId, run.functionName, 'sync');
  const target = { row, models: declaredModels(fn) ?? [] };
  if (row.recordsDb) recentRunTargets.set(key, target);
  return target;
}

export async function serveRecords(
  scope: RunScope,
  run: RunIdentity,
  call: string,
  request: Request,
  connectionRow: () => Promise<ConnectionRow>,
): Promise<Response> {
  if (run.kind !== 'sync') throw new ApiError('forbidden', 403, 'Only syncs keep records');
  const isWrite = ['save', 'update', 'delete', 'diff', 'track-deletes/start', 'track-deletes/end'].includes(call);
  if (run.dryRun && isWrite) throw new ApiError('forbidden', 403, 'A dry run keeps its records in the run');
  const { row, models } = await runTarget(scope, run, connectionRow, { remembered: call === 'diff' });
  const checkModel = (model: string) => {
    if (!models.includes(model))
      throw new ApiError(
        'invalid_body',
        400,
        `"${model}" is not a model of sync "${run.functionName}" (models: ${models.join(', ') || 'none'})`,
      );
  };
  const variant = run.variant ?? 'base';
  const stub = connectionStub(scope.env, {
    environmentId: scope.environment.id,
    integrationId: row.integrationId,
    connectionId: row.connectionId,
  });
  const env = scope.env as unknown as RecordsEnv;

  switch (call) {
    case 'save':
    case 'update':
    case 'delete': {
      // The model comes in the query and the batch goes to the connection's object as it came: it is
      // parsed once, there (a batch is ~1 MB; parsing and re-encoding it here too doubled the garbage).
      const model = new URL(request.url).searchParams.get('model') ?? '';
      checkModel(model);
      const text = await request.text();
      if (text.length > MAX_RECORDS_BODY) throw new ApiError('payload_too_large', 413, 'Too many records in one batch');
      const recordsDb = await chooseRecordsDb(scope.db, env, row);
      const result = await stub.writeRecords({
        place: { connectionRowId: row.id, recordsDb },
        op: call,
        model,
        variant,
        body: text,
        runId: run.runId,
      });
      if (result.invalid) throw new ApiError('invalid_body', 400, result.invalid);
      return Response.json(result);
    }
    case 'diff': {
      const input = await body(request, diffSchema);
      checkModel(input.model);
      const recordsDb = await chooseRecordsDb(scope.db, env, row);
      const changed = await stub.diffRecords({
        place: { connectionRowId: row.id, recordsDb },
        model: input.model,
        variant,
        ids: input.ids,
        hashes: input.hashes,
        runId: run.runId,
      });
      return Response.json({ changed });
    }
    case 'track-deletes/start': {
      const { model } = await body(request, modelOnly);
      checkModel(model);
      return Response.json({ generation: await stub.trackDeletesStart({ model, variant }) });
    }
    case 'track-deletes/end': {
      const { model } = await body(request, modelOnly);
      checkModel(model);
      return Response.json({ deleted: await stub.trackDeletesEnd({ model, variant, runId: run.runId }) });
    }
    case 'by-ids': {
      const input = await body(request, idsSchema);
      checkModel(input.model);
      const found = await readRecordsByIds(
        shardDatabase(env, row.recordsDb),
        { connectionRowId: row.id, model: input.model, variant },
        input.ids,
      );
      return Response.json({ records: found.filter((r) => !r.deleted_at).map((r) => JSON.parse(r.data)) });
    }
    default: {
      const input = await body(request, listSchema);
      checkModel(input.model);
      const page = await readPage(
        shardDatabase(env, row.recordsDb),
        { connectionRowId: row.id, model: input.model, variant },
        { afterSeq: input.cursor ? decodeRecordCursor(input.cursor) : 0, limit: input.limit ?? 100 },
      );
      const last = page.at(-1);
      return Response.json({
        records: page.map(formatRecord),
        next_cursor: last && page.length === (input.limit ?? 100) ? encodeRecordCursor(last.seq) : null,
      });
    }
  }
}
