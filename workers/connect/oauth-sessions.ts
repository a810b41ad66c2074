import { eq, lt } from 'drizzle-orm';
import { generateRandomState } from 'oauth4webapi';
import type { PierConfig } from '../config.js';
import { hashSecretKey } from '../crypto/api-keys.js';
import { openJson, sealJson } from '../crypto/secret-box.js';
import { type Db, nowIso } from '../db/client.js';
import { oauthSessions } from '../db/schema.js';

export const OAUTH_SESSION_TTL_MS = 15 * 60 * 1000;

/** Everything the callback needs, sealed at rest (it holds the PKCE verifier and client overrides). */
export type OAuthSessionPayload = {
  kind: 'OAUTH2' | 'OAUTH1' | 'APP';
  environmentId: number;
  integrationId: number;
  integrationKey: string;
  connectionId: string;
  connectSessionId: number;
  wsClientId?: string;
  /** SHA-256 of the value in the browser-binding cookie. */
  bindingHash: string;
  redirectUri: string;
  connectionConfig: Record<string, string>;
  codeVerifier?: string;
  clientOverride?: { client_id: string; client_secret: string };
  oauth1RequestToken?: { token: string; secret: string };
};

const context = (stateHash: string) => `oauth_session:${stateHash}`;

/** Stores an attempt under `state` (a fresh random one unless given); returns the state. */
export async function createOAuthSession(
  db: Db,
  config: PierConfig,
  payload: OAuthSessionPayload,
  state: string = generateRandomState(),
): Promise<string> {
  const stateHash = await hashSecretKey(state);
  await db.insert(oauthSessions).values({
    stateHash,
    environmentId: payload.environmentId,
    integrationId: payload.integrationId,
    payloadEnc: await sealJson(config, payload, context(stateHash)),
    expiresAt: new Date(Date.now() + OAUTH_SESSION_TTL_MS).toISOString(),
  });
  await db.delete(oauthSessions).where(lt(oauthSessions.expiresAt, nowIso()));
  return state;
}

/** Reads the attempt for a `state` without using it up. Undefined if unknown or expired. */
export async function peekOAuthSession(
  db: Db,
  config: PierConfig,
  state: string,
): Promise<OAuthSessionPayload | undefined> {
  const stateHash = await hashSecretKey(state);
  const row = await db.select().from(oauthSessions).where(eq(oauthSessions.stateHash, stateHash)).get();
  if (!row || row.expiresAt < nowIso()) return undefined;
  return openJson<OAuthSessionPayload>(config, row.payloadEnc, context(stateHash));
}

/** Takes the attempt for a `state` out of storage: each state works once. False if another request took it first. */
export async function consumeOAuthSession(db: Db, state: string): Promise<boolean> {
  const stateHash = await hashSecretKey(state);
  const rows = await db
    .delete(oauthSessions)
    .where(eq(oauthSessions.stateHash, stateHash))
    .returning({ stateHash: oauthSessions.stateHash });
  return rows.length > 0;
}

/** The cookie that binds an OAuth attempt to the browser that started it. */
export function bindingCookieName(state: string): string {
  return `pier_oauth_${state.slice(0, 12).replace(/[^A-Za-z0-9_-]/g, '')}`;
}

/** Constant-time comparison of two equal-length hex digests. */
export function timingSafeEqualHex(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
