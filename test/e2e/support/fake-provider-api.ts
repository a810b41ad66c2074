import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { listenOnLoopback } from './platform.js';

/**
 * A provider API stand-in that behaves like documented ones, on loopback:
 *
 * - `GET /cursor-items?cursor=&limit=`: `{ items, next_cursor }` (cursor in the body, like Slack);
 * - `GET /link-items?page=&per_page=`: an array, next page in a `Link` header (like GitHub);
 * - `GET /offset-items?offset=&limit=`: `{ data }`, empty when done;
 * - `GET /rate-limited/:key?times=&after=`: 429 + `Retry-After` for the first `times` calls;
 * - `GET /budget/:key?limit=&window=`: `x-ratelimit-remaining` / `x-ratelimit-reset` (epoch s), 429 past the limit;
 * - `GET /flaky/:key?fail=&status=`: `status` for the first `fail` calls, then 200;
 * - `GET /slow?ms=`: answers after a delay;
 * - `GET /download?mb=&chunked=`: deterministic bytes, streamed;
 * - `GET /gzip`: a gzip-encoded JSON body;
 * - `GET /redirect?to=&status=`: a redirect (to anywhere, e.g. a private address);
 * - `ANY /echo/*`: method, path, query, headers and the body's size and SHA-256;
 * - `GET /__calls/:key`: how many calls a key got, and when.
 * - `ANY /trap/:key/*`: an attacker's server: records what it was sent (method, path, body), answers 400;
 * - `GET /__trapped/:key`: what a trap received.
 */
export type FakeProviderApi = { url: string; close(): Promise<void> };

const ITEMS = Array.from({ length: 25 }, (_, i) => ({ id: `item-${i + 1}`, n: i + 1 }));

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<{ size: number; sha256: string; text: string }> {
  const hash = createHash('sha256');
  let size = 0;
  const head: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
    if (size <= 64 * 1024) head.push(chunk);
  }
  return { size, sha256: hash.digest('hex'), text: size <= 64 * 1024 ? Buffer.concat(head).toString() : '' };
}

/** Deterministic 1 MiB block, so a download's checksum is known without storing it. */
export const DOWNLOAD_BLOCK = Buffer.alloc(1024 * 1024, 'pier-proxy-download-');

export async function startFakeProviderApi(): Promise<FakeProviderApi> {
  const calls = new Map<string, number[]>();
  const windows = new Map<string, { start: number; used: number }>();
  const trapped = new Map<string, { method: string; path: string; body: string; authorization: string }[]>();
  let base = '';
  const count = (key: string) => {
    const list = calls.get(key) ?? [];
    list.push(Date.now());
    calls.set(key, list);
    return list.length;
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', base);
    const q = url.searchParams;
    const [, first = '', second = ''] = url.pathname.split('/');
    try {
      switch (first) {
        case 'cursor-items': {
          const start = Number(q.get('cursor') ?? 0);
          const limit = Number(q.get('limit') ?? 10);
          const items = ITEMS.slice(start, start + limit);
          const next = start + limit < ITEMS.length ? String(start + limit) : null;
          return json(res, 200, { items, meta: { next_cursor: next } });
        }
        case 'link-items': {
          const page = Number(q.get('page') ?? 1);
          const perPage = Number(q.get('per_page') ?? 10);
          const items = ITEMS.slice((page - 1) * perPage, page * perPage);
          const headers: Record<string, string> = {};
          if (page * perPage < ITEMS.length) {
            const next = new URL(url);
            next.searchParams.set('page', String(page + 1));
            next.searchParams.set('per_page', String(perPage));
            headers.link = `<${next}>; rel="next", <${base}/link-items?page=1>; rel="first"`;
          }
          return json(res, 200, items, headers);
        }
        case 'offset-items': {
          const offset = Number(q.get('offset') ?? 0);
          const limit = Number(q.get('limit') ?? 10);
          return json(res, 200, { data: ITEMS.slice(offset, offset + limit) });
        }
        case 'rate-limited': {
          const n = count(`rate-limited/${second}`);
          const times = Number(q.get('times') ?? 1);
          if (n <= times) return json(res, 429, { error: 'slow down' }, { 'retry-after': q.get('after') ?? '1' });
          return json(res, 200, { ok: true, calls: n });
        }
        case 'budget': {
          count(`budget/${second}`);
          const limit = Number(q.get('limit') ?? 3);
          const windowMs = Number(q.get('window') ?? 2) * 1000;
          const now = Date.now();
          let w = windows.get(second);
          if (!w || now - w.start >= windowMs) {
            w = { start: now, used: 0 };
            windows.set(second, w);
          }
          w.used++;
          const reset = String(Math.ceil((w.start + windowMs) / 1000));
          const remaining = Math.max(0, limit - w.used);
          if (w.used > limit)
            return json(
              res,
              429,
              { error: 'budget spent' },
              { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
            );
          return json(
            res,
            200,
            { ok: true },
            { 'x-ratelimit-remaining': String(remaining), 'x-ratelimit-reset': reset },
          );
        }
        case 'flaky': {
          const n = count(`flaky/${second}`);
          if (n <= Number(q.get('fail') ?? 2)) return json(res, Number(q.get('status') ?? 503), { error: 'flaky' });
          return json(res, 200, { ok: true, calls: n });
        }
        case 'slow': {
          await new Promise((r) => setTimeout(r, Number(q.get('ms') ?? 1000)));
          return json(res, 200, { ok: true });
        }
        case 'download': {
          const mb = Number(q.get('mb') ?? 1);
          const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
          if (q.get('chunked') !== '1') headers['content-length'] = String(mb * DOWNLOAD_BLOCK.length);
          res.writeHead(200, headers);
          let sent = 0;
          const pump = () => {
            while (sent < mb) {
              sent++;
              if (!res.write(DOWNLOAD_BLOCK)) return void res.once('drain', pump);
            }
            res.end();
          };
          return pump();
        }
        case 'gzip': {
          const body = gzipSync(JSON.stringify({ compressed: true, items: ITEMS }));
          res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
          return res.end(body);
        }
        case 'redirect': {
          res.writeHead(Number(q.get('status') ?? 302), { location: q.get('to') ?? '/' });
          return res.end();
        }
        case 'echo': {
          const body = await readBody(req);
          return json(res, 200, {
            method: req.method,
            path: url.pathname,
            query: url.search,
            headers: req.headers,
            body: { size: body.size, sha256: body.sha256, text: body.text },
          });
        }
        case 'trap': {
          const body = await readBody(req);
          const list = trapped.get(second) ?? [];
          list.push({
            method: req.method ?? '',
            path: url.pathname,
            body: body.text,
            authorization: req.headers.authorization ?? '',
          });
          trapped.set(second, list);
          return json(res, 400, { error: 'invalid_request' });
        }
        case '__trapped':
          return json(res, 200, trapped.get(second) ?? []);
        case '__calls': {
          const at = calls.get(url.pathname.slice('/__calls/'.length)) ?? [];
          return json(res, 200, { count: at.length, at });
        }
        default:
          return json(res, 404, { error: 'not found' });
      }
    } catch (err) {
      json(res, 500, { error: String(err) });
    }
  });
  const listening = await listenOnLoopback(server);
  base = listening.url;
  return listening;
}
