/**
 * Token refresh under concurrency, against the real local platform and a real OAuth server:
 *  - 1,000 concurrent token requests for one connection whose token has expired: exactly one
 *    refresh must reach the OAuth server; p50/p99 are compared with 1,000 requests for a
 *    connection whose token is still valid (the baseline, measured in the same run);
 *  - 100 connections whose tokens expired, refreshed at once: 100 refreshes, one each.
 */
import { obtainTokens, startOAuthServer } from '../test/e2e/support/oauth-server.js';
import { startPlatform } from '../test/e2e/support/platform.js';
import { concurrently, httpGet, loadAgent, ms, summarize } from './stats.js';

const BUFFER_SECONDS = 60;

export async function benchTokenRefresh(
  options: { concurrent?: number; connections?: number } = {},
): Promise<string[]> {
  const concurrent = options.concurrent ?? 1000;
  const connections = options.connections ?? 100;
  const platform = await startPlatform();
  const oauth = await startOAuthServer({
    redirectUris: [`${platform.url}/oauth/callback`],
    accessTokenTtlSeconds: 3600,
  });
  const lines: string[] = [];
  try {
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${platform.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${platform.secretKey}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
      return text ? JSON.parse(text) : undefined;
    };
    await call('POST', '/providers', {
      name: 'bench-oidc',
      display_name: 'Bench OIDC',
      auth_mode: 'OAUTH2',
      authorization_url: `${oauth.url}/auth`,
      token_url: `${oauth.url}/token`,
      token_expiration_buffer: BUFFER_SECONDS,
    });
    await call('POST', '/integrations', {
      unique_key: 'bench',
      provider: 'bench-oidc',
      credentials: { type: 'OAUTH2', client_id: oauth.clientId, client_secret: oauth.clientSecret },
    });
    // Tokens "expire" (enter the refresh buffer) at `expiringAtMs`; the burst starts right then, racing
    // the object's own proactive alarm, which is due at the same moment: still exactly one refresh.
    let expiringAtMs = 0;
    const importConnection = async (id: string, expired: boolean) => {
      const tokens = await obtainTokens(oauth, `${platform.url}/oauth/callback`);
      await call('POST', '/connections', {
        provider_config_key: 'bench',
        connection_id: id,
        credentials: {
          type: 'OAUTH2',
          access_token: tokens.access_token,
          refresh_token: tokens.refresh_token,
          expires_at: new Date(expired ? expiringAtMs + BUFFER_SECONDS * 1000 : Date.now() + 3_600_000).toISOString(),
        },
      });
    };
    await importConnection('valid', false);
    const untilExpiry = async () => {
      await new Promise((r) => setTimeout(r, Math.max(0, expiringAtMs - Date.now())));
    };
    const agent = loadAgent(200);
    const get = (id: string) => async () => {
      const res = await httpGet(agent, `${platform.url}/connections/${id}?provider_config_key=bench`, {
        authorization: `Bearer ${platform.secretKey}`,
      });
      if (res.status !== 200) throw new Error(`GET ${id}: ${res.status} ${res.body}`);
    };
    // Warm the objects and the isolate so neither run pays start-up.
    await get('valid')();

    const refreshesBefore = () => oauth.tokenRequests.filter((r) => r.grantType === 'refresh_token').length;
    const baseline = summarize(await concurrently(concurrent, get('valid')));

    expiringAtMs = Date.now() + 5_000;
    await importConnection('expired', true);
    const before = refreshesBefore();
    await untilExpiry();
    const expired = summarize(await concurrently(concurrent, get('expired')));
    const singleRefreshes = refreshesBefore() - before;

    expiringAtMs = Date.now() + 5_000 + connections * 150;
    for (let i = 0; i < connections; i++) await importConnection(`many-${i}`, true);
    const beforeMany = refreshesBefore();
    await untilExpiry();
    const many = summarize(await concurrently(connections, (i) => get(`many-${i}`)()));
    const manyRefreshes = refreshesBefore() - beforeMany;

    lines.push(
      `token refresh: ${concurrent} requests at once (200 client sockets), one connection`,
      `  baseline (valid token):    p50 ${ms(baseline.p50)}  p99 ${ms(baseline.p99)}`,
      `  expired token:             p50 ${ms(expired.p50)}  p99 ${ms(expired.p99)}  (x${(expired.p50 / baseline.p50).toFixed(2)} / x${(expired.p99 / baseline.p99).toFixed(2)} of baseline)`,
      `  refresh requests at the OAuth server: ${singleRefreshes} (target: exactly 1) ${singleRefreshes === 1 ? 'OK' : 'FAIL'}`,
      `token refresh: ${connections} connections expired at once`,
      `  p50 ${ms(many.p50)}  p99 ${ms(many.p99)}  (x${(many.p50 / baseline.p50).toFixed(2)} of baseline p50)`,
      `  refresh requests at the OAuth server: ${manyRefreshes} (target: exactly ${connections}) ${manyRefreshes === connections ? 'OK' : 'FAIL'}`,
    );
    if (singleRefreshes !== 1 || manyRefreshes !== connections) process.exitCode = 1;
    agent.destroy();
  } finally {
    await platform.stop();
    await oauth.close();
  }
  return lines;
}
