import { and, asc, desc, eq, inArray, or, type SQL, sql } from 'drizzle-orm';
import { type Db, nowIso } from '../db/client.js';
import { type ConnectionRow, connections, customProviders, type IntegrationRow, integrations } from '../db/schema.js';
import { forgetProxyTargets } from '../proxy/target-cache.js';

export type ConnectionWithIntegration = ConnectionRow & { integrationKey: string };

const withKey = { connection: connections, integrationKey: integrations.uniqueKey };

export async function findConnectionRow(
  db: Db,
  environmentId: number,
  integrationId: number,
  connectionId: string,
): Promise<ConnectionRow | undefined> {
  return (await findConnectionsByIds(db, environmentId, integrationId, [connectionId]))[0];
}

/** Inserts or replaces a connection's index row; returns it and whether it was new. */
export async function upsertConnectionRow(
  db: Db,
  values: Omit<typeof connections.$inferInsert, 'id' | 'createdAt' | 'updatedAt'>,
  /** The current row, which the caller has already read. */
  existing: ConnectionRow | undefined,
): Promise<{ row: ConnectionRow; created: boolean }> {
  if (existing) {
    const [row] = await db
      .update(connections)
      .set({ ...values, updatedAt: nowIso(), authError: null, authErrorEventId: null })
      .where(eq(connections.id, existing.id))
      .returning();
    if (!row) throw new Error('update returned no row');
    forgetProxyTargets();
    return { row, created: false };
  }
  const [row] = await db.insert(connections).values(values).returning();
  if (!row) throw new Error('insert returned no row');
  forgetProxyTargets();
  return { row, created: true };
}

export async function updateConnectionRow(
  db: Db,
  id: number,
  values: Partial<Omit<ConnectionRow, 'id' | 'environmentId' | 'integrationId' | 'connectionId' | 'createdAt'>>,
): Promise<ConnectionRow | undefined> {
  const [row] = await db
    .update(connections)
    .set({ ...values, updatedAt: nowIso() })
    .where(eq(connections.id, id))
    .returning();
  // After the write: a proxy call of this isolate must not re-remember the old row in between.
  forgetProxyTargets();
  return row;
}

export async function deleteConnectionRow(db: Db, id: number): Promise<void> {
  await db.delete(connections).where(eq(connections.id, id));
  forgetProxyTargets();
}

export type ConnectionFilters = {
  connectionId?: string;
  search?: string;
  integrationKeys?: string[];
  tags?: Record<string, string>;
  endUserId?: string;
  endUserOrganizationId?: string;
  limit: number;
  page: number;
};

export async function listConnectionRows(
  db: Db,
  environmentId: number,
  filters: ConnectionFilters,
): Promise<ConnectionWithIntegration[]> {
  const conditions: SQL[] = [eq(connections.environmentId, environmentId)];
  if (filters.connectionId) conditions.push(eq(connections.connectionId, filters.connectionId));
  if (filters.integrationKeys?.length) conditions.push(inArray(integrations.uniqueKey, filters.integrationKeys));
  if (filters.search) {
    const pattern = `%${filters.search.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
    const match = or(
      sql`${connections.connectionId} LIKE ${pattern} ESCAPE '\\'`,
      sql`${connections.endUser} LIKE ${pattern} ESCAPE '\\'`,
      sql`${connections.tags} LIKE ${pattern} ESCAPE '\\'`,
    );
    if (match) conditions.push(match);
  }
  for (const [key, value] of Object.entries(filters.tags ?? {}))
    conditions.push(sql`json_extract(${connections.tags}, ${`$."${key.replace(/"/g, '')}"`}) = ${value}`);
  // The deprecated end-user filters match the old end_user object and the tags that replaced it.
  if (filters.endUserId)
    conditions.push(
      sql`(json_extract(${connections.endUser}, '$.id') = ${filters.endUserId} OR json_extract(${connections.tags}, '$.end_user_id') = ${filters.endUserId})`,
    );
  if (filters.endUserOrganizationId)
    conditions.push(
      sql`(json_extract(${connections.endUser}, '$.organization.id') = ${filters.endUserOrganizationId} OR json_extract(${connections.tags}, '$.organization_id') = ${filters.endUserOrganizationId})`,
    );
  const rows = await db
    .select(withKey)
    .from(connections)
    .innerJoin(integrations, eq(connections.integrationId, integrations.id))
    .where(and(...conditions))
    .orderBy(desc(connections.id))
    .limit(filters.limit)
    .offset(filters.page * filters.limit);
  return rows.map((r) => ({ ...r.connection, integrationKey: r.integrationKey }));
}

export async function findConnectionsByIds(
  db: Db,
  environmentId: number,
  integrationId: number,
  ids: string[],
): Promise<ConnectionRow[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(connections)
    .where(
      and(
        eq(connections.environmentId, environmentId),
        eq(connections.integrationId, integrationId),
        inArray(connections.connectionId, ids),
      ),
    )
    .orderBy(asc(connections.id));
}

/**
 * A connection, its integration and (for a custom provider) the provider's stored definition, in
 * one query: the proxy's lookup on every call.
 */
export async function findConnectionByKeys(
  db: Db,
  environmentId: number,
  integrationKey: string,
  connectionId: string,
): Promise<{ connection: ConnectionRow; integration: IntegrationRow; customDefinition: string | null } | undefined> {
  const [row] = await db
    .select({ connection: connections, integration: integrations, customDefinition: customProviders.definition })
    .from(connections)
    .innerJoin(integrations, eq(connections.integrationId, integrations.id))
    .leftJoin(
      customProviders,
      and(
        eq(customProviders.environmentId, integrations.environmentId),
        eq(customProviders.name, integrations.provider),
      ),
    )
    .where(
      and(
        eq(integrations.environmentId, environmentId),
        eq(integrations.uniqueKey, integrationKey),
        eq(connections.connectionId, connectionId),
      ),
    )
    .limit(1);
  return row;
}
