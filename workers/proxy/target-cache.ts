import { forgetRecentRows, RecentMap } from '../cache/recent-map.js';
import type { findConnectionByKeys } from '../connections/store.js';

/**
 * The proxy's lookup of (environment, integration, connection) remembered for 5 s in this isolate:
 * a proxied call otherwise spends a database round trip on rows that rarely change. Every write to
 * connections, integrations or custom providers made through this isolate clears it, so this
 * isolate reads its own writes; other isolates see a change within 5 s. Credentials are not here:
 * they come from the connection's Durable Object on every call, so a deleted connection stops at once.
 */
type Found = NonNullable<Awaited<ReturnType<typeof findConnectionByKeys>>>;

export const recentTargets = new RecentMap<Found>(5000, 5000, { forgetOnWrites: true });

export const targetKey = (environmentId: number, integrationKey: string, connectionId: string) =>
  `${environmentId}\u0000${integrationKey}\u0000${connectionId}`;

/** Clears the proxy's remembered targets, and every other lookup of the rows written (actions'). */
export function forgetProxyTargets(): void {
  forgetRecentRows();
}
