import { asc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from '../db/client.js';
import { type ConnectionTeardownRow, connections, connectionTeardowns } from '../db/schema.js';

export type NewTeardown = Omit<typeof connectionTeardowns.$inferInsert, 'id' | 'attempts' | 'lastError' | 'createdAt'>;

/** D1 binds at most 100 values per statement: 7 columns a row, so 14 rows at most per insert. */
const ROWS_PER_INSERT = 12;

/** The connections of these integrations, with what a teardown needs to know of each. */
export function listConnectionsOfIntegrations(db: Db, integrationIds: number[]) {
  if (integrationIds.length === 0) return Promise.resolve([]);
  return db
    .select({
      environmentId: connections.environmentId,
      integrationId: connections.integrationId,
      connectionId: connections.connectionId,
      connectionConfig: connections.connectionConfig,
    })
    .from(connections)
    .where(inArray(connections.integrationId, integrationIds));
}

/** Insert statements for teardown rows (each returning the new ids), to run in the same batch as the deletion. */
export function insertTeardownStatements(db: Db, rows: NewTeardown[]): BatchItem<'sqlite'>[] {
  const statements: BatchItem<'sqlite'>[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT)
    statements.push(
      db
        .insert(connectionTeardowns)
        .values(rows.slice(i, i + ROWS_PER_INSERT))
        .returning({ id: connectionTeardowns.id }),
    );
  return statements;
}

export function findTeardowns(db: Db, ids: number[]): Promise<ConnectionTeardownRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.select().from(connectionTeardowns).where(inArray(connectionTeardowns.id, ids));
}

/** Teardowns still waiting after `beforeIso`: the queue lost or gave up on them. */
export function findStaleTeardowns(db: Db, beforeIso: string, limit: number): Promise<ConnectionTeardownRow[]> {
  return db
    .select()
    .from(connectionTeardowns)
    .where(lt(connectionTeardowns.createdAt, beforeIso))
    .orderBy(asc(connectionTeardowns.id))
    .limit(limit);
}

export async function deleteTeardown(db: Db, id: number): Promise<void> {
  await db.delete(connectionTeardowns).where(eq(connectionTeardowns.id, id));
}

export async function recordTeardownFailure(db: Db, id: number, error: string): Promise<void> {
  await db
    .update(connectionTeardowns)
    .set({ attempts: sql`${connectionTeardowns.attempts} + 1`, lastError: error.slice(0, 500) })
    .where(eq(connectionTeardowns.id, id));
}
