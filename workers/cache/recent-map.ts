/**
 * A per-isolate map whose entries expire `ttlMs` after they were set; when full it starts over.
 * For hot-path lookups that may be a few seconds stale (see key-cache.ts, proxy/target-cache.ts).
 */
export class RecentMap<T> {
  readonly #entries = new Map<string, { value: T; atMs: number }>();

  constructor(
    readonly ttlMs: number,
    readonly maxEntries: number,
  ) {}

  get(key: string): T | undefined {
    const entry = this.#entries.get(key);
    return entry && Date.now() - entry.atMs < this.ttlMs ? entry.value : undefined;
  }

  set(key: string, value: T): void {
    if (this.#entries.size >= this.maxEntries) this.#entries.clear();
    this.#entries.set(key, { value, atMs: Date.now() });
  }

  clear(): void {
    this.#entries.clear();
  }
}
