/**
 * The shard router: which D1 database holds a connection's records. `PIER_RECORDS_DATABASES` lists
 * the bindings records may go to (default `DB`, the main database). A connection's database is chosen
 * once, when it first saves records, and stays (the `records_db` column), so adding databases to the
 * list spreads new connections without moving old data.
 */
export type RecordsEnv = { DB: D1Database; PIER_RECORDS_DATABASES?: string } & Record<string, unknown>;

export function configuredShards(env: RecordsEnv): string[] {
  const names = (env.PIER_RECORDS_DATABASES ?? 'DB')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  return names.length > 0 ? names : ['DB'];
}

/** The shard a new connection's records go to: spread by its row id over the configured list. */
export function chooseShard(env: RecordsEnv, connectionRowId: number): string {
  const names = configuredShards(env);
  return names[connectionRowId % names.length] as string;
}

/** The D1 binding named `name`; a name the Worker has no binding for is a configuration error. */
export function shardDatabase(env: RecordsEnv, name: string | null | undefined): D1Database {
  const binding = env[name ?? 'DB'];
  if (!binding || typeof (binding as D1Database).prepare !== 'function')
    throw new Error(`records database "${name}" is not bound to this Worker (PIER_RECORDS_DATABASES)`);
  return binding as D1Database;
}
