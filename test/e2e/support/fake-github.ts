import { createServer } from 'node:http';
import { listenOnLoopback } from './platform.js';

export type FakeGitHub = {
  url: string;
  close(): Promise<void>;
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
  return { ...(await listenOnLoopback(server)), issues, requests };
}
