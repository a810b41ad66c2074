import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './platform.js';

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString();
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

/**
 * Slack's Web API as `chat.postMessage` answers it: bearer token, 200 with `ok: true` and the
 * message's `ts`, or 200 with `ok: false` and an error code (unknown channel, bad token).
 */
export async function startFakeSlack(token: string) {
  const messages: { channel: string; text: string }[] = [];
  const server = createServer(async (req, res) => {
    if (req.method !== 'POST' || req.url !== '/chat.postMessage')
      return send(res, 404, { ok: false, error: 'unknown_method' });
    if (req.headers.authorization !== `Bearer ${token}`) return send(res, 200, { ok: false, error: 'invalid_auth' });
    const body = await readJson(req);
    if (body.channel === 'C404') return send(res, 200, { ok: false, error: 'channel_not_found' });
    messages.push({ channel: String(body.channel), text: String(body.text) });
    send(res, 200, { ok: true, channel: body.channel, ts: `1700000000.${String(messages.length).padStart(6, '0')}` });
  });
  return { ...(await listenOnLoopback(server)), messages };
}

/**
 * HubSpot's CRM contacts API: `POST /crm/v3/objects/contacts` with `{ properties }`; 201 with the new
 * id; 409 CONFLICT naming the existing id for a known email; the first call answers 429 with
 * `Retry-After: 1` (HubSpot's secondly limit), as a busy portal does.
 */
export async function startFakeHubSpot(token: string) {
  const contacts = new Map<string, { id: string; properties: Record<string, unknown>; updatedAt: number }>();
  let calls = 0;
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const server = createServer(async (req, res) => {
    if (req.headers.authorization !== `Bearer ${token}`)
      return send(res, 401, {
        status: 'error',
        message: 'Authentication credentials not found.',
        category: 'INVALID_AUTHENTICATION',
      });
    if (req.method === 'POST' && req.url === '/crm/v3/objects/contacts/search') {
      // Search: `filterGroups` with a `lastmodifieddate GTE <ms>` filter, ascending by that date,
      // `limit` (≤ 100) and `after` (an opaque offset), `paging.next.after` while there are more.
      const body = (await readJson(req)) as {
        filterGroups?: { filters?: { propertyName: string; operator: string; value: string }[] }[];
        limit?: number;
        after?: string;
      };
      const since = body.filterGroups?.[0]?.filters?.find(
        (f) => f.propertyName === 'lastmodifieddate' && f.operator === 'GTE',
      );
      const all = [...contacts.values()]
        .filter((c) => !since || c.updatedAt >= Number(since.value))
        .sort((a, b) => a.updatedAt - b.updatedAt || Number(a.id) - Number(b.id));
      const limit = Math.min(100, body.limit ?? 10);
      const offset = Number(body.after ?? 0);
      const results = all.slice(offset, offset + limit).map((c) => ({
        id: c.id,
        properties: { ...c.properties, lastmodifieddate: new Date(c.updatedAt).toISOString() },
        updatedAt: new Date(c.updatedAt).toISOString(),
        archived: false,
      }));
      return send(res, 200, {
        total: all.length,
        results,
        ...(offset + limit < all.length ? { paging: { next: { after: String(offset + limit) } } } : {}),
      });
    }
    if (req.method !== 'POST' || req.url !== '/crm/v3/objects/contacts') return send(res, 404, { status: 'error' });
    calls++;
    const body = await readJson(req);
    if (calls === 1)
      return send(
        res,
        429,
        {
          status: 'error',
          message: 'You have reached your secondly limit.',
          errorType: 'RATE_LIMIT',
          policyName: 'SECONDLY',
        },
        { 'retry-after': '1' },
      );
    const properties = (body.properties ?? {}) as Record<string, unknown>;
    const email = String(properties.email ?? '');
    const existing = contacts.get(email);
    if (existing)
      return send(res, 409, {
        status: 'error',
        message: `Contact already exists. Existing ID: ${existing.id}`,
        category: 'CONFLICT',
      });
    clock += 1000;
    const contact = { id: String(100 + contacts.size + 1), properties, updatedAt: clock };
    contacts.set(email, contact);
    send(res, 201, { id: contact.id, properties, createdAt: new Date().toISOString(), archived: false });
  });
  return {
    ...(await listenOnLoopback(server)),
    contacts,
    calls: () => calls,
    /** Changes a contact's properties as a HubSpot user would (its last-modified date moves). */
    edit(email: string, properties: Record<string, unknown>) {
      const contact = contacts.get(email);
      if (!contact) return;
      clock += 1000;
      Object.assign(contact.properties, properties);
      contact.updatedAt = clock;
    },
    /** Adds contacts directly (not through the API). */
    seed(count: number) {
      for (let i = 0; i < count; i++) {
        clock += 1000;
        const email = `seed-${contacts.size + 1}@example.com`;
        contacts.set(email, {
          id: String(100 + contacts.size + 1),
          properties: { email, firstname: 'Seed' },
          updatedAt: clock,
        });
      }
    },
  };
}

/**
 * Zendesk Support's tickets list with cursor pagination, as `GET /api/v2/tickets.json` answers it:
 * `page[size]` (≤ 100), `page[after]`, `{ tickets, meta: { has_more, after_cursor }, links: { next } }`.
 */
export async function startFakeZendesk(token: string) {
  const tickets: { id: number; subject: string; status: string; updated_at: string }[] = [];
  let nextId = 1;
  const server = createServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${token}`) return send(res, 401, { error: "Couldn't authenticate you" });
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    if (req.method !== 'GET' || url.pathname !== '/api/v2/tickets.json')
      return send(res, 404, { error: 'InvalidEndpoint' });
    const size = Math.min(100, Number(url.searchParams.get('page[size]') ?? 100));
    const after = Number(url.searchParams.get('page[after]') ?? 0);
    const sorted = [...tickets].sort((a, b) => a.id - b.id);
    const page = sorted.filter((t) => t.id > after).slice(0, size);
    const last = page.at(-1);
    const hasMore = Boolean(last && sorted.some((t) => t.id > last.id));
    const next = new URL(url);
    if (last) next.searchParams.set('page[after]', String(last.id));
    send(res, 200, {
      tickets: page,
      meta: { has_more: hasMore, after_cursor: hasMore && last ? String(last.id) : null, before_cursor: null },
      links: { next: hasMore ? next.toString() : null, prev: null },
    });
  });
  const stamp = () => new Date().toISOString();
  return {
    ...(server ? await listenOnLoopback(server) : { url: '', close: async () => undefined }),
    tickets,
    add(count: number) {
      for (let i = 0; i < count; i++)
        tickets.push({ id: nextId, subject: `Ticket ${nextId++}`, status: 'open', updated_at: stamp() });
    },
    solve(id: number) {
      const ticket = tickets.find((t) => t.id === id);
      if (ticket) Object.assign(ticket, { status: 'solved', updated_at: stamp() });
    },
    remove(id: number) {
      const at = tickets.findIndex((t) => t.id === id);
      if (at >= 0) tickets.splice(at, 1);
    },
  };
}
