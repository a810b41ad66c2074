/**
 * A per-isolate map whose entries expire `ttlMs` after they were set; when full it starts over.
 * For hot-path lookups that may be a few seconds stale (see key-cache.ts, proxy/target-cache.ts).
 */
export class RecentMap<T> {
  readonly #entries = new Map<string, { value: T; atMs: number }>();

  /** `forgetOnWrites`: cleared by {@link forgetRecentRows} whenever this isolate writes the rows it holds. */
  constructor(
    readonly ttlMs: number,
    readonly maxEntries: number,
    options: { forgetOnWrites?: boolean } = {},
  ) {
    if (options.forgetOnWrites) forgettable.add(this as RecentMap<unknown>);
  }

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

const forgettable = new Set<RecentMap<unknown>>();

/**
 * Clears every lookup of connection, integration, provider or function rows remembered in this
 * isolate: called by each write to those rows, so this isolate reads its own writes at once.
 */
export function forgetRecentRows(): void {
  for (const map of forgettable) map.clear();
}
