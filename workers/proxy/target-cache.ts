import type { findConnectionByKeys } from '../connections/store.js';

/**
 * The proxy's lookup of (environment, integration, connection) remembered for 5 s in this isolate:
 * a proxied call otherwise spends a database round trip on rows that rarely change. Every write to
 * connections, integrations or custom providers made through this isolate clears it, so this
 * isolate reads its own writes; other isolates see a change within 5 s. Credentials are not here:
 * they come from the connection's Durable Object on every call, so a deleted connection stops at once.
 */
type Found = NonNullable<Awaited<ReturnType<typeof findConnectionByKeys>>>;

export const TARGET_CACHE_MS = 5000;
const MAX_ENTRIES = 5000;
const recent = new Map<string, { found: Found; atMs: number }>();

const keyOf = (environmentId: number, integrationKey: string, connectionId: string) =>
  `${environmentId}\u0000${integrationKey}\u0000${connectionId}`;

export function recallTarget(environmentId: number, integrationKey: string, connectionId: string): Found | undefined {
  const entry = recent.get(keyOf(environmentId, integrationKey, connectionId));
  return entry && Date.now() - entry.atMs < TARGET_CACHE_MS ? entry.found : undefined;
}

export function rememberTarget(
  environmentId: number,
  integrationKey: string,
  connectionId: string,
  found: Found,
): void {
  if (recent.size >= MAX_ENTRIES) recent.clear();
  recent.set(keyOf(environmentId, integrationKey, connectionId), { found, atMs: Date.now() });
}

export function forgetProxyTargets(): void {
  recent.clear();
}
