import type { ApiKeyScope } from '../../sdk/contract/environments.js';
import { RecentMap } from '../cache/recent-map.js';
import type { ApiKeyRow, EnvironmentRow } from '../db/schema.js';

/**
 * Recent secret-key lookups of this isolate, by key hash, used by `/proxy` and `GET /records` only
 * (the hot paths: each call would otherwise pay a database round trip before it starts). Entries
 * live 5 s; any change to keys or environments made through this isolate clears them all.
 */
export type KeyLookup = { key: ApiKeyRow; environment: EnvironmentRow; scopes?: ApiKeyScope[] };

export const recentKeys = new RecentMap<KeyLookup>(5000, 1000);

/** Called after keys or environments change. */
export function forgetCachedKeys(): void {
  recentKeys.clear();
}
