import { and, eq, inArray, sql } from 'drizzle-orm';
import type { FunctionDefinition } from '../../sdk/contract/functions.js';
import type { Db } from '../db/client.js';
import { type FunctionRow, functionCheckpoints, functionLocks, functions } from '../db/schema.js';

/** D1 access for deployed functions, their checkpoints and locks. */

/** The model names a deployed function declares; undefined when there is no row or it declares none. */
export function declaredModels(row: Pick<FunctionRow, 'definition'> | undefined): string[] | undefined {
  const models = row ? (JSON.parse(row.definition) as FunctionDefinition).models : undefined;
  return models ? Object.keys(models) : undefined;
}

export async function listFunctionRows(
  db: Db,
  environmentId: number,
  integrationIds: number[],
): Promise<FunctionRow[]> {
  if (integrationIds.length === 0) return [];
  return db
    .select()
    .from(functions)
    .where(and(eq(functions.environmentId, environmentId), inArray(functions.integrationId, integrationIds)))
    .all();
}

export async function findFunctionRow(
  db: Db,
  environmentId: number,
  integrationId: number,
  name: string,
  type?: string,
): Promise<FunctionRow[]> {
  const where = [
    eq(functions.environmentId, environmentId),
    eq(functions.integrationId, integrationId),
    eq(functions.name, name),
  ];
  if (type) where.push(eq(functions.type, type));
  return db
    .select()
    .from(functions)
    .where(and(...where))
    .all();
}

export async function readCheckpoint(db: Db, connectionRowId: number, functionName: string): Promise<string | null> {
  const row = await db
    .select({ checkpoint: functionCheckpoints.checkpoint })
    .from(functionCheckpoints)
    .where(
      and(eq(functionCheckpoints.connectionRowId, connectionRowId), eq(functionCheckpoints.functionName, functionName)),
    )
    .get();
  return row?.checkpoint ?? null;
}

export async function writeCheckpoint(
  db: Db,
  connectionRowId: number,
  functionName: string,
  checkpoint: string | null,
): Promise<void> {
  const where = and(
    eq(functionCheckpoints.connectionRowId, connectionRowId),
    eq(functionCheckpoints.functionName, functionName),
  );
  if (checkpoint === null) {
    await db.delete(functionCheckpoints).where(where);
    return;
  }
  await db
    .insert(functionCheckpoints)
    .values({ connectionRowId, functionName, checkpoint })
    .onConflictDoUpdate({
      target: [functionCheckpoints.connectionRowId, functionCheckpoints.functionName],
      set: { checkpoint, updatedAt: new Date().toISOString() },
    });
}

/** Takes `key` for `owner` unless another owner holds it unexpired; true when taken. */
export async function acquireLock(
  db: Db,
  connectionRowId: number,
  key: string,
  owner: string,
  ttlMs: number,
  nowMs = Date.now(),
): Promise<boolean> {
  const rows = await db
    .insert(functionLocks)
    .values({ connectionRowId, key, owner, expiresAt: nowMs + ttlMs })
    .onConflictDoUpdate({
      target: [functionLocks.connectionRowId, functionLocks.key],
      set: { owner, expiresAt: nowMs + ttlMs },
      setWhere: sql`${functionLocks.expiresAt} <= ${nowMs} OR ${functionLocks.owner} = ${owner}`,
    })
    .returning({ owner: functionLocks.owner });
  return rows.length === 1 && rows[0]?.owner === owner;
}

export async function releaseLocks(db: Db, connectionRowId: number, owner: string, key?: string): Promise<number> {
  const where = [eq(functionLocks.connectionRowId, connectionRowId), eq(functionLocks.owner, owner)];
  if (key !== undefined) where.push(eq(functionLocks.key, key));
  const rows = await db
    .delete(functionLocks)
    .where(and(...where))
    .returning({ key: functionLocks.key });
  return rows.length;
}
