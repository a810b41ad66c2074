import { type DrizzleD1Database, drizzle } from 'drizzle-orm/d1';
import * as schema from './schema.js';

export type Db = DrizzleD1Database<typeof schema>;

/** One query builder per D1 binding: building one digests the whole schema, too costly per request. */
const builders = new WeakMap<D1Database, Db>();

/** The one place a D1 binding becomes a query builder. */
export function openDb(d1: D1Database): Db {
  let db = builders.get(d1);
  if (!db) {
    db = drizzle(d1, { schema });
    builders.set(d1, db);
  }
  return db;
}

/** D1 reports constraint violations only in the message text. */
export function isUniqueViolation(err: unknown): boolean {
  const text = err instanceof Error ? `${err.message} ${String(err.cause ?? '')}` : String(err);
  return /UNIQUE constraint failed|SQLITE_CONSTRAINT/i.test(text);
}

export function nowIso(): string {
  return new Date().toISOString();
}
