import { DurableObject } from 'cloudflare:workers';
import { migrate, readMeta, writeMeta } from './connection-storage.js';

/**
 * One object per connection: the single writer for its credentials, refresh, rate-limit state and
 * sync schedule. This first version owns its storage schema and identity; credentials and refresh
 * arrive with the connect issue. See README.md beside this file for tables and alarm semantics.
 */
export class ConnectionObject extends DurableObject<Env> {
  readonly #schemaVersion: number;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#schemaVersion = migrate(ctx.storage.sql);
  }

  /**
   * Records which connection this object serves; the first caller fixes it, later callers must agree.
   * Returns a tagged failure rather than throwing: a rejection crossing RPC is noisy for callers.
   *
   * @example await stub.bind('env:1/integration:7/connection:u-42')
   */
  async bind(
    name: string,
  ): Promise<{ ok: true; name: string; schemaVersion: number } | { ok: false; reason: 'bound_to_other_connection' }> {
    const existing = readMeta(this.ctx.storage.sql, 'name');
    if (existing && existing !== name) return { ok: false, reason: 'bound_to_other_connection' };
    if (!existing) writeMeta(this.ctx.storage.sql, 'name', name);
    return { ok: true, name, schemaVersion: this.#schemaVersion };
  }

  /** @example const { name, schemaVersion } = await stub.describe() */
  async describe(): Promise<{ name: string | null; schemaVersion: number }> {
    return { name: readMeta(this.ctx.storage.sql, 'name') ?? null, schemaVersion: this.#schemaVersion };
  }
}
