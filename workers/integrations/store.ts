import { and, asc, eq } from 'drizzle-orm';
import { type Db, nowIso } from '../db/client.js';
import { type IntegrationRow, integrations } from '../db/schema.js';
import { forgetProxyTargets } from '../proxy/target-cache.js';

export function listIntegrationRows(db: Db, environmentId: number): Promise<IntegrationRow[]> {
  return db
    .select()
    .from(integrations)
    .where(eq(integrations.environmentId, environmentId))
    .orderBy(asc(integrations.id));
}

export async function findIntegrationRow(
  db: Db,
  environmentId: number,
  uniqueKey: string,
): Promise<IntegrationRow | undefined> {
  return db
    .select()
    .from(integrations)
    .where(and(eq(integrations.environmentId, environmentId), eq(integrations.uniqueKey, uniqueKey)))
    .get();
}

export async function insertIntegrationRow(
  db: Db,
  values: Omit<typeof integrations.$inferInsert, 'id' | 'createdAt' | 'updatedAt'>,
): Promise<IntegrationRow> {
  const [row] = await db.insert(integrations).values(values).returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function updateIntegrationRow(
  db: Db,
  id: number,
  values: Partial<
    Pick<IntegrationRow, 'uniqueKey' | 'displayName' | 'forwardWebhooks' | 'credentialsEnc' | 'integrationConfig'>
  >,
): Promise<IntegrationRow | undefined> {
  const [row] = await db
    .update(integrations)
    .set({ ...values, updatedAt: nowIso() })
    .where(eq(integrations.id, id))
    .returning();
  forgetProxyTargets();
  return row;
}

export async function findIntegrationById(db: Db, id: number): Promise<IntegrationRow | undefined> {
  return db.select().from(integrations).where(eq(integrations.id, id)).get();
}
