/**
 * SQL of the ConnectionObject, in one module. Each schema change is a new numbered step, applied
 * once, in order, inside the object's constructor (before any request reaches it).
 */
const MIGRATIONS: readonly string[] = [`CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`];

export function migrate(sql: SqlStorage): number {
  sql.exec(`CREATE TABLE IF NOT EXISTS _schema (version INTEGER NOT NULL)`);
  const current = sql.exec<{ version: number }>(`SELECT version FROM _schema`).toArray()[0]?.version ?? 0;
  for (let step = current; step < MIGRATIONS.length; step++) sql.exec(MIGRATIONS[step] as string);
  if (current === 0) sql.exec(`INSERT INTO _schema (version) VALUES (?)`, MIGRATIONS.length);
  else if (current < MIGRATIONS.length) sql.exec(`UPDATE _schema SET version = ?`, MIGRATIONS.length);
  return MIGRATIONS.length;
}

export function readMeta(sql: SqlStorage, key: string): string | undefined {
  return sql.exec<{ value: string }>(`SELECT value FROM meta WHERE key = ?`, key).toArray()[0]?.value;
}

export function writeMeta(sql: SqlStorage, key: string, value: string): void {
  sql.exec(
    `INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
    key,
    value,
  );
}
