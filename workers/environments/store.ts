import { and, asc, eq, sql } from 'drizzle-orm';
import type { WebhookSettings } from '../../sdk/contract/environments.js';
import { type Db, nowIso } from '../db/client.js';
import { type ApiKeyRow, apiKeys, type EnvironmentRow, environments } from '../db/schema.js';

export async function findKeyWithEnvironment(
  db: Db,
  keyHash: string,
): Promise<{ key: ApiKeyRow; environment: EnvironmentRow } | undefined> {
  const rows = await db
    .select({ key: apiKeys, environment: environments })
    .from(apiKeys)
    .innerJoin(environments, eq(apiKeys.environmentId, environments.id))
    .where(eq(apiKeys.keyHash, keyHash))
    .limit(1);
  return rows[0];
}

export async function touchKey(db: Db, keyId: number): Promise<void> {
  await db.update(apiKeys).set({ lastUsedAt: nowIso() }).where(eq(apiKeys.id, keyId));
}

export function listEnvironmentRows(db: Db): Promise<EnvironmentRow[]> {
  return db.select().from(environments).orderBy(asc(environments.id));
}

export async function findEnvironmentById(db: Db, id: number): Promise<EnvironmentRow | undefined> {
  return db.select().from(environments).where(eq(environments.id, id)).get();
}

export async function insertEnvironment(
  db: Db,
  values: {
    uuid: string;
    name: string;
    isProduction: boolean;
    callbackUrl: string | null;
    webhookSigningKeyEnc: string;
  },
): Promise<EnvironmentRow> {
  const [row] = await db.insert(environments).values(values).returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function updateEnvironmentRow(
  db: Db,
  id: number,
  values: { callbackUrl?: string | null; webhookSettings?: WebhookSettings; webhookSigningKeyEnc?: string },
): Promise<EnvironmentRow | undefined> {
  const { webhookSettings, ...rest } = values;
  const [row] = await db
    .update(environments)
    .set({
      ...rest,
      ...(webhookSettings ? { webhookSettings: JSON.stringify(webhookSettings) } : {}),
      updatedAt: nowIso(),
    })
    .where(eq(environments.id, id))
    .returning();
  return row;
}

export function listKeyRows(db: Db, environmentId: number): Promise<ApiKeyRow[]> {
  return db.select().from(apiKeys).where(eq(apiKeys.environmentId, environmentId)).orderBy(asc(apiKeys.id));
}

export async function insertKey(
  db: Db,
  values: { environmentId: number; displayName: string; keyHash: string; prefix: string; scopes: string[] },
): Promise<ApiKeyRow> {
  const [row] = await db
    .insert(apiKeys)
    .values({ ...values, scopes: JSON.stringify(values.scopes) })
    .returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function replaceKeyHash(
  db: Db,
  environmentId: number,
  keyId: number,
  values: { keyHash: string; prefix: string },
): Promise<ApiKeyRow | undefined> {
  const [row] = await db
    .update(apiKeys)
    .set({ ...values, lastUsedAt: null })
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.environmentId, environmentId)))
    .returning();
  return row;
}

export async function findKeyRow(db: Db, environmentId: number, keyId: number): Promise<ApiKeyRow | undefined> {
  return db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.environmentId, environmentId)))
    .get();
}

export async function deleteKeyRow(db: Db, keyId: number): Promise<void> {
  await db.delete(apiKeys).where(eq(apiKeys.id, keyId));
}

/** Keys that can manage the account; the last one may not be deleted. */
export async function countAccountKeys(db: Db): Promise<number> {
  const row = await db
    .select({ n: sql<number>`count(*)` })
    .from(apiKeys)
    .where(sql`${apiKeys.scopes} LIKE '%"account:*"%'`)
    .get();
  return row?.n ?? 0;
}

export async function findEnvironmentByUuid(db: Db, uuid: string): Promise<EnvironmentRow | undefined> {
  return db.select().from(environments).where(eq(environments.uuid, uuid)).get();
}
