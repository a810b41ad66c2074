import { type Context, Hono } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { uniqueKeySchema } from '../../sdk/contract/common.js';
import type { AppEnv } from '../app-env.js';
import { bracketParams, notifyAttempt } from '../connect/attempt.js';
import { beginPopupFlow, completePopupFlow, credentialFlow } from '../connect/flows.js';
import { bindingCookieName, OAUTH_SESSION_TTL_MS } from '../connect/oauth-sessions.js';
import { newNonce, type PopupOutcome, pageCsp, popupResultPage } from '../connect/pages.js';
import { ApiError } from '../http/api-error.js';
import { readJsonBody, readParams } from '../http/validate.js';
import { browserCors } from '../middleware/cors.js';

const integrationPath = z.object({ integration: uniqueKeySchema });
const credentialBody = z.record(z.string(), z.unknown()).default({});

const deps = (c: Context<AppEnv>) => ({ db: c.get('db'), config: c.get('config'), env: c.env });
/** The connect session token, from the query (popups, the frontend SDK) or a bearer header (the Connect UI). */
export const sessionToken = (c: Context<AppEnv>) =>
  c.req.query('connect_session_token') ?? /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];

function renderOutcome(
  c: Context<AppEnv>,
  outcome: PopupOutcome,
  status: 200 | 400 | 401 | 403 | 404 | 502 = 200,
): Response {
  const nonce = newNonce();
  c.header('Content-Security-Policy', pageCsp(nonce, "'none'"));
  c.header('Cache-Control', 'no-store');
  return c.html(popupResultPage(outcome, nonce), status);
}

/** Popup-side errors become a readable page and a WebSocket error, never a JSON blob in a popup. */
async function popupError(c: Context<AppEnv>, err: unknown, wsClientId: string | undefined): Promise<Response> {
  if (!(err instanceof ApiError)) throw err;
  const errorType =
    err.code === 'invalid_connect_session'
      ? 'missing_connect_session_token'
      : err.code === 'missing_credentials'
        ? 'missing_credentials'
        : 'connection_validation_failed';
  await notifyAttempt(c.env, wsClientId, { message_type: 'error', error_type: errorType, error_desc: err.message });
  const status = ([400, 401, 403, 404, 502] as const).find((s) => s === err.status) ?? 400;
  return renderOutcome(c, { ok: false, errorType, message: err.message }, status);
}

/** Where a popup flow ends: OAuth callbacks and app-install setup URLs alike. */
async function completeCallback(c: Context<AppEnv>): Promise<Response> {
  const outcome = await completePopupFlow(deps(c), {
    query: new URL(c.req.url).searchParams,
    cookie: (state) => getCookie(c, bindingCookieName(state)),
  });
  return renderOutcome(c, outcome, outcome.ok ? 200 : 400);
}

export const authRoutes = new Hono<AppEnv>({ strict: false })
  .get('/oauth/connect/:integration', async (c) => {
    const query = new URL(c.req.url).searchParams;
    const wsClientId = query.get('ws_client_id') ?? undefined;
    try {
      const { integration } = readParams(c, integrationPath);
      const started = await beginPopupFlow(deps(c), {
        sessionToken: sessionToken(c),
        integrationKey: integration,
        wsClientId,
        connectionConfig: bracketParams(query, 'params'),
        authorizationParams: bracketParams(query, 'authorization_params'),
        userScope: query.get('user_scope') ?? undefined,
        clientOverride: {
          client_id: query.get('credentials[oauth_client_id_override]') ?? undefined,
          client_secret: query.get('credentials[oauth_client_secret_override]') ?? undefined,
        },
        origin: new URL(c.req.url).origin,
      });
      setCookie(c, bindingCookieName(started.binding.state), started.binding.value, {
        httpOnly: true,
        sameSite: 'Lax',
        path: '/',
        secure: new URL(c.req.url).protocol === 'https:',
        maxAge: OAUTH_SESSION_TTL_MS / 1000,
      });
      c.header('Cache-Control', 'no-store');
      return c.redirect(started.redirectUrl, 302);
    } catch (err) {
      return popupError(c, err, wsClientId);
    }
  })
  .get('/oauth/callback', completeCallback)
  // GitHub-style apps return to their "setup URL" with installation_id and the state.
  .get('/app-auth/connect', completeCallback);

/** The non-popup flows, called with fetch from the app's page or the Connect UI. */
function credentialRoute(kind: 'API_KEY' | 'BASIC' | 'OAUTH2_CC' | 'JWT' | 'NONE') {
  return async (c: Context<AppEnv>) => {
    const { integration } = readParams(c, integrationPath);
    const body = await readJsonBody(c, credentialBody.optional());
    const query = new URL(c.req.url).searchParams;
    const result = await credentialFlow(deps(c), kind, {
      sessionToken: sessionToken(c),
      integrationKey: integration,
      connectionConfig: { ...bracketParams(query, 'params'), ...stringValues(body?.connection_config) },
      body: body ?? {},
    });
    return c.json(result, 200);
  };
}

function stringValues(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object') return {};
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v]] : [])),
  );
}

export const credentialAuthRoutes = new Hono<AppEnv>({ strict: false })
  .use('/api-auth/*', browserCors)
  .use('/oauth2/auth/*', browserCors)
  .use('/auth/*', browserCors)
  .post('/api-auth/api-key/:integration', credentialRoute('API_KEY'))
  .post('/api-auth/basic/:integration', credentialRoute('BASIC'))
  .post('/oauth2/auth/:integration', credentialRoute('OAUTH2_CC'))
  .post('/auth/jwt/:integration', credentialRoute('JWT'))
  .post('/auth/unauthenticated/:integration', credentialRoute('NONE'));
