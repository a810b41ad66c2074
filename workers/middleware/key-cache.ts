import type { ApiKeyRow, EnvironmentRow } from '../db/schema.js';

/**
 * Recent secret-key lookups of this isolate, used by `/proxy` only (every proxied call would
 * otherwise pay a database round trip before it starts). Entries live 5 s; any change to keys or
 * environments made through this isolate clears them all at once.
 */
export type KeyLookup = { key: ApiKeyRow; environment: EnvironmentRow };

export const KEY_CACHE_MS = 5000;
const MAX_ENTRIES = 1000;
const recent = new Map<string, { found: KeyLookup; atMs: number }>();

export function recallKey(hash: string, maxAgeMs: number): KeyLookup | undefined {
  const entry = recent.get(hash);
  return entry && Date.now() - entry.atMs < maxAgeMs ? entry.found : undefined;
}

export function rememberKey(hash: string, found: KeyLookup): void {
  if (recent.size >= MAX_ENTRIES) recent.clear();
  recent.set(hash, { found, atMs: Date.now() });
}

/** Called when keys or environments change. */
export function forgetCachedKeys(): void {
  recent.clear();
}
