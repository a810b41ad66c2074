/**
 * Connection credentials in the shapes the API returns (the same as the reference's `credentials`).
 * Stored sealed in the connection's Durable Object; never logged.
 */
export type OAuth2Credentials = {
  type: 'OAUTH2';
  access_token: string;
  refresh_token?: string;
  expires_at?: string;
  raw: Record<string, unknown>;
  /** Set when the end user supplied their own OAuth app; refresh uses it. */
  client_override?: { client_id: string; client_secret: string };
};
export type OAuth2ClientCredentials = {
  type: 'OAUTH2_CC';
  token: string;
  expires_at?: string;
  client_id: string;
  client_secret: string;
  raw: Record<string, unknown>;
};
export type OAuth1Credentials = {
  type: 'OAUTH1';
  oauth_token: string;
  oauth_token_secret: string;
  raw: Record<string, unknown>;
};
export type ApiKeyCredentials = { type: 'API_KEY'; apiKey: string };
export type BasicCredentials = { type: 'BASIC'; username: string; password: string };
export type AppCredentials = { type: 'APP'; access_token: string; expires_at?: string; raw: Record<string, unknown> };
export type JwtCredentials = { type: 'JWT'; token: string; expires_at?: string; fields: Record<string, string> };
export type NoCredentials = { type: 'NONE' };

export type ConnectionCredentials =
  | OAuth2Credentials
  | OAuth2ClientCredentials
  | OAuth1Credentials
  | ApiKeyCredentials
  | BasicCredentials
  | AppCredentials
  | JwtCredentials
  | NoCredentials;

/** When the credentials stop working, if they expire. */
export function credentialsExpiryMs(credentials: ConnectionCredentials): number | null {
  const at = 'expires_at' in credentials ? credentials.expires_at : undefined;
  if (!at) return null;
  const ms = Date.parse(at);
  return Number.isNaN(ms) ? null : ms;
}

/** Whether the platform can renew these credentials without the user. */
export function isRenewable(credentials: ConnectionCredentials): boolean {
  switch (credentials.type) {
    case 'OAUTH2':
      return Boolean(credentials.refresh_token);
    case 'OAUTH2_CC':
    case 'APP':
    case 'JWT':
      return true;
    default:
      return false;
  }
}

/** The bearer token the credentials carry, if any: what a 401 from the provider is about. */
export function accessTokenOf(credentials: ConnectionCredentials): string | undefined {
  switch (credentials.type) {
    case 'OAUTH2':
    case 'APP':
      return credentials.access_token;
    case 'OAUTH2_CC':
    case 'JWT':
      return credentials.token;
    default:
      return undefined;
  }
}
