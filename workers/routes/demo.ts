import { type Context, Hono } from 'hono';
import type { AppEnv } from '../app-env.js';
import { escapeHtml, newNonce, pageCsp } from '../connect/pages.js';
import { authorizeRedirect, DEMO_CLIENT, DEMO_USER, demoApi, demoToken } from '../demo/demo-provider.js';
import { ApiError } from '../http/api-error.js';

const origin = (c: Context<AppEnv>) => new URL(c.req.url).origin;

function page(c: Context<AppEnv>, title: string, body: string, status: 200 | 400 = 200): Response {
  const nonce = newNonce();
  c.header('Content-Security-Policy', pageCsp(nonce, "'none'"));
  c.header('Cache-Control', 'no-store');
  return c.html(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style nonce="${nonce}">body{font:16px/1.5 system-ui,sans-serif;display:grid;place-items:center;min-height:100vh;margin:0;background:#f6f7f9;color:#1c2330}
main{background:#fff;border-radius:12px;padding:32px 40px;box-shadow:0 4px 24px rgba(0,0,0,.08);max-width:440px}h1{font-size:20px;margin:0 0 12px}
.actions{display:flex;gap:12px;margin-top:20px}.actions a{padding:10px 18px;border-radius:8px;text-decoration:none;font-weight:600}
.approve{background:#2453d6;color:#fff}.deny{background:#eef0f4;color:#1c2330}code{background:#eef0f4;padding:1px 5px;border-radius:4px}</style></head>
<body><main>${body}</main></body></html>`,
    status,
  );
}

/**
 * `/demo/*`: the `pier-demo` provider (workers/demo/demo-provider.ts) — an OAuth 2 server and a small
 * API, in development mode only; in production every path here is a 404.
 */
export const demoRoutes = new Hono<AppEnv>({ strict: false })
  .use(async (c, next) => {
    if (c.get('config').mode !== 'development')
      throw new ApiError('not_found', 404, `No route for ${c.req.method} ${new URL(c.req.url).pathname}`);
    await next();
  })
  .get('/', (c) =>
    page(
      c,
      'Pier Demo',
      `<h1>Pier Demo</h1><p>A provider that ships with Pier for local development: OAuth 2 with PKCE at
<code>/demo/oauth/authorize</code> and <code>/demo/oauth/token</code> (client id <code>${DEMO_CLIENT.id}</code>,
secret <code>${DEMO_CLIENT.secret}</code>), and an API at <code>/demo/api</code>: <code>GET /me</code>,
<code>GET /contacts?cursor=&amp;limit=</code>.</p>`,
    ),
  )
  .get('/oauth/authorize', (c) => {
    const query = new URL(c.req.url).searchParams;
    const decide = (approve: boolean) => {
      const next = new URL(`${origin(c)}/demo/oauth/decide`);
      for (const [k, v] of query) next.searchParams.set(k, v);
      next.searchParams.set('approve', approve ? '1' : '0');
      return escapeHtml(next.pathname + next.search);
    };
    return page(
      c,
      'Allow access to Pier Demo?',
      `<h1>Allow access to your Pier Demo account?</h1>
<p>Signed in as <strong>${escapeHtml(DEMO_USER.name)}</strong> (${escapeHtml(DEMO_USER.email)}). The app asks to read your contacts.</p>
<div class="actions"><a class="approve" href="${decide(true)}">Approve</a><a class="deny" href="${decide(false)}">Deny</a></div>`,
    );
  })
  .get('/oauth/decide', async (c) => {
    const query = new URL(c.req.url).searchParams;
    const result = await authorizeRedirect(c.get('config'), origin(c), query, query.get('approve') === '1');
    if (!result.ok)
      return page(c, 'Pier Demo', `<h1>This sign-in link is not valid</h1><p>${escapeHtml(result.message)}</p>`, 400);
    c.header('Cache-Control', 'no-store');
    return c.redirect(result.location, 302);
  })
  .post('/oauth/token', async (c) => {
    const form = new URLSearchParams(await c.req.text());
    const answer = await demoToken(c.get('config'), form);
    c.header('Cache-Control', 'no-store');
    return c.json(answer.body, answer.status as 200);
  })
  .get('/api/*', async (c) => {
    const path = new URL(c.req.url).pathname.replace(/^\/demo\/api/, '') || '/';
    const answer = await demoApi(c.get('config'), c.req.raw, path);
    return c.json(answer.body, answer.status as 200);
  });
