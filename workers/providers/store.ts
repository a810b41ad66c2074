import { and, asc, eq, sql } from 'drizzle-orm';
import type { ProviderDefinition } from '../../sdk/contract/provider-definition.js';
import { type Db, nowIso } from '../db/client.js';
import { customProviders, integrations } from '../db/schema.js';
import { forgetProxyTargets } from '../proxy/target-cache.js';

export async function listCustomDefinitions(db: Db, environmentId: number): Promise<ProviderDefinition[]> {
  const rows = await db
    .select({ definition: customProviders.definition })
    .from(customProviders)
    .where(eq(customProviders.environmentId, environmentId))
    .orderBy(asc(customProviders.name));
  return rows.map((r) => JSON.parse(r.definition) as ProviderDefinition);
}

export async function findCustomDefinition(
  db: Db,
  environmentId: number,
  name: string,
): Promise<ProviderDefinition | undefined> {
  const row = await db
    .select({ definition: customProviders.definition })
    .from(customProviders)
    .where(and(eq(customProviders.environmentId, environmentId), eq(customProviders.name, name)))
    .get();
  return row ? (JSON.parse(row.definition) as ProviderDefinition) : undefined;
}

export async function insertCustomDefinition(
  db: Db,
  environmentId: number,
  definition: ProviderDefinition,
): Promise<void> {
  await db
    .insert(customProviders)
    .values({ environmentId, name: definition.name, definition: JSON.stringify(definition) });
}

export async function replaceCustomDefinition(
  db: Db,
  environmentId: number,
  definition: ProviderDefinition,
): Promise<boolean> {
  const rows = await db
    .update(customProviders)
    .set({ definition: JSON.stringify(definition), updatedAt: nowIso() })
    .where(and(eq(customProviders.environmentId, environmentId), eq(customProviders.name, definition.name)))
    .returning({ name: customProviders.name });
  forgetProxyTargets();
  return rows.length > 0;
}

export async function deleteCustomDefinition(db: Db, environmentId: number, name: string): Promise<boolean> {
  const rows = await db
    .delete(customProviders)
    .where(and(eq(customProviders.environmentId, environmentId), eq(customProviders.name, name)))
    .returning({ name: customProviders.name });
  forgetProxyTargets();
  return rows.length > 0;
}

export async function countIntegrationsUsing(db: Db, environmentId: number, provider: string): Promise<number> {
  const row = await db
    .select({ n: sql<number>`count(*)` })
    .from(integrations)
    .where(and(eq(integrations.environmentId, environmentId), eq(integrations.provider, provider)))
    .get();
  return row?.n ?? 0;
}
