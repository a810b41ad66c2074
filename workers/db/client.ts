import { type DrizzleD1Database, drizzle } from 'drizzle-orm/d1';
import * as schema from './schema.js';

export type Db = DrizzleD1Database<typeof schema>;

/** The one place a D1 binding becomes a query builder. */
export function openDb(d1: D1Database): Db {
  return drizzle(d1, { schema });
}

/** D1 reports constraint violations only in the message text. */
export function isUniqueViolation(err: unknown): boolean {
  const text = err instanceof Error ? `${err.message} ${String(err.cause ?? '')}` : String(err);
  return /UNIQUE constraint failed|SQLITE_CONSTRAINT/i.test(text);
}

export function nowIso(): string {
  return new Date().toISOString();
}
