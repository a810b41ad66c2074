import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { listenOnLoopback } from './platform.js';

export type Closable = { url: string; close(): Promise<void> };

/** A provider API stand-in: `GET /me` answers 200 for `Authorization: Bearer good-key`, 401 otherwise. */
export async function startFakeApi(): Promise<Closable & { calls: string[] }> {
  const calls: string[] = [];
  const server = createServer((req, res) => {
    calls.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
    if (req.url === '/me' && req.headers.authorization === 'Bearer good-key') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'me' }));
      return;
    }
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: 'bad credentials' }));
  });
  return { ...(await listenOnLoopback(server)), calls };
}

/**
 * The customer's web app: a page that loads Pier's frontend SDK from the Pier host, and another that
 * uses Nango's published frontend SDK (`@nangohq/frontend`) pointed at Pier.
 */
export async function startCustomerApp(pierUrl: string): Promise<Closable> {
  const nango = await build({
    entryPoints: [resolve(import.meta.dirname, '../../../node_modules/@nangohq/frontend/dist/index.js')],
    bundle: true,
    format: 'esm',
    write: false,
  });
  const nangoJs = nango.outputFiles[0]?.text ?? '';
  const page = (script: string) => `<!doctype html><html><head><meta charset="utf-8"><title>Customer app</title></head>
<body><h1>Customer app</h1><script type="module">window.events = []; ${script}; window.appReady = true;</script></body></html>`;
  const server = createServer((req, res) => {
    if (req.url === '/nango.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(nangoJs);
      return;
    }
    const body =
      req.url === '/nango'
        ? page(`import Nango from '/nango.js';
           window.nangoAuth = (token, key) => new Nango({ host: '${pierUrl}', connectSessionToken: token }).auth(key);
           window.nangoConnectUI = (token) => new Nango({ connectSessionToken: token }).openConnectUI({
             baseURL: '${pierUrl}/connect', apiURL: '${pierUrl}', onEvent: (e) => window.events.push(e) });`)
        : page(`import { Pier } from '${pierUrl}/sdk/frontend.js';
           window.openConnect = (token) => { window.ui = new Pier({ connectSessionToken: token, host: '${pierUrl}' }).openConnectUI({ onEvent: (e) => window.events.push(e) }); };
           window.pierAuth = (token, key, options) => new Pier({ connectSessionToken: token, host: '${pierUrl}' }).auth(key, options);`);
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(body);
  });
  return listenOnLoopback(server);
}
