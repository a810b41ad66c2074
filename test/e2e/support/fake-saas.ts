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
  const contacts = new Map<string, { id: string; properties: Record<string, unknown> }>();
  let calls = 0;
  const server = createServer(async (req, res) => {
    if (req.headers.authorization !== `Bearer ${token}`)
      return send(res, 401, {
        status: 'error',
        message: 'Authentication credentials not found.',
        category: 'INVALID_AUTHENTICATION',
      });
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
    const contact = { id: String(100 + contacts.size + 1), properties };
    contacts.set(email, contact);
    send(res, 201, { id: contact.id, properties, createdAt: new Date().toISOString(), archived: false });
  });
  return { ...(await listenOnLoopback(server)), contacts, calls: () => calls };
}
