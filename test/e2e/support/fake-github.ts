import { createServer } from 'node:http';
import { listenOnLoopback } from './platform.js';

export type FakeIssue = { id: number; number: number; title: string; state: string; updated_at: string };

export type FakeGitHub = {
  url: string;
  close(): Promise<void>;
  /** Issues listed by `GET /repos/:owner/:repo/issues` (any repository), newest change last. */
  listed: FakeIssue[];
  addIssues(count: number): FakeIssue[];
  updateIssue(number: number, title: string): void;
  removeIssue(number: number): void;
  /** Issues created, with the token they were created with. */
  issues: { owner: string; repo: string; title: string; body?: string; token: string }[];
  requests: { method: string; path: string; authorization: string }[];
};

/**
 * A GitHub REST stand-in for scripts: `POST /repos/:owner/:repo/issues` (201 with `id`, `number`,
 * `html_url`; 422 without a title, as GitHub answers), `GET /user`; every call needs
 * `Authorization: Bearer <token>` with a token it was given (401 otherwise).
 */
export async function startFakeGitHub(tokens: readonly string[]): Promise<FakeGitHub> {
  const issues: FakeGitHub['issues'] = [];
  const requests: FakeGitHub['requests'] = [];
  const listed: FakeIssue[] = [];
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const tick = () => {
    clock += 1000;
    return new Date(clock).toISOString();
  };
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const authorization = req.headers.authorization ?? '';
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push({ method: req.method ?? '', path: url.pathname, authorization });
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-ratelimit-remaining': '4999' });
      res.end(JSON.stringify(body));
    };
    const token = authorization.replace(/^Bearer /, '');
    if (!tokens.includes(token)) return send(401, { message: 'Bad credentials' });
    if (req.method === 'GET' && url.pathname === '/user') return send(200, { login: `user-of-${token}`, id: 1 });
    const match = /^\/repos\/([^/]+)\/([^/]+)\/issues$/.exec(url.pathname);
    if (match && req.method === 'GET') {
      // GitHub's list: `per_page` (at most 100), `page`, `since` (updated at or after), a `Link` header to the next page.
      const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 30));
      const page = Number(url.searchParams.get('page') ?? 1);
      const since = url.searchParams.get('since');
      const all = listed.filter((i) => !since || i.updated_at >= since).sort((a, b) => a.number - b.number);
      const slice = all.slice((page - 1) * perPage, page * perPage);
      const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
      if (page * perPage < all.length) {
        const next = new URL(url.toString().replace('http://x', `http://${req.headers.host}`));
        next.searchParams.set('page', String(page + 1));
        headers.link = `<${next.toString()}>; rel="next"`;
      }
      res.writeHead(200, headers);
      res.end(JSON.stringify(slice.map((i) => ({ ...i, html_url: `https://github.example/issues/${i.number}` }))));
      return;
    }
    if (match && req.method === 'POST') {
      const body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as { title?: string; body?: string };
      if (!body.title)
        return send(422, {
          message: 'Validation Failed',
          errors: [{ resource: 'Issue', code: 'missing_field', field: 'title' }],
        });
      issues.push({ owner: match[1] ?? '', repo: match[2] ?? '', title: body.title, body: body.body, token });
      const number = issues.length;
      return send(201, {
        id: 1000 + number,
        number,
        title: body.title,
        html_url: `https://github.example/${match[1]}/${match[2]}/issues/${number}`,
      });
    }
    send(404, { message: 'Not Found' });
  });
  return {
    ...(await listenOnLoopback(server)),
    issues,
    requests,
    listed,
    addIssues(count) {
      const added: FakeIssue[] = [];
      for (let i = 0; i < count; i++) {
        const number = (listed.at(-1)?.number ?? 0) + 1;
        const issue = { id: 5000 + number, number, title: `Issue ${number}`, state: 'open', updated_at: tick() };
        listed.push(issue);
        added.push(issue);
      }
      return added;
    },
    updateIssue(number, title) {
      const issue = listed.find((i) => i.number === number);
      if (issue) Object.assign(issue, { title, updated_at: tick() });
    },
    removeIssue(number) {
      const at = listed.findIndex((i) => i.number === number);
      if (at >= 0) listed.splice(at, 1);
    },
  };
}
