import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ReceivedDelivery = { headers: IncomingMessage['headers']; body: string; answered: number; atMs: number };

/**
 * The app's backend as a real HTTP server on 127.0.0.1: answers each delivery with what `decide`
 * says (2xx accepted), can go completely down (its port closed: connections refused) and come back on
 * the same port, and keeps every request it saw. `accepted` deduplicates by `Pier-Webhook-Id`, as a
 * receiver should: the first accepted delivery of an id is processed, later ones only acknowledged.
 */
export class WebhookReceiver {
  readonly requests: ReceivedDelivery[] = [];
  /** Event id → the body processed for it (the first accepted delivery). */
  readonly accepted = new Map<string, string>();
  /** Ids acknowledged again after they were processed (duplicates the dedupe absorbed). */
  duplicates = 0;
  decide: (request: { headers: IncomingMessage['headers']; body: string }) => number = () => 200;
  #server: Server | undefined;
  #port = 0;
  #sockets = new Set<import('node:net').Socket>();
  #waiters: (() => void)[] = [];

  get url(): string {
    return `http://127.0.0.1:${this.#port}/hooks`;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => this.#handle(req, res));
    server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(this.#port, '127.0.0.1', resolve));
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
    return this;
  }

  /** Closes the port and every open connection: deliveries are refused until `start()` again. */
  async down(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  close(): Promise<void> {
    return this.down();
  }

  /** Resolves once `predicate` holds (checked after every request), or rejects after `timeoutMs`. */
  async waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 250);
      });
    }
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const answered = this.decide({ headers: req.headers, body });
      this.requests.push({ headers: req.headers, body, answered, atMs: Date.now() });
      if (answered >= 200 && answered < 300) {
        const id = String(req.headers['pier-webhook-id']);
        if (this.accepted.has(id)) this.duplicates++;
        else this.accepted.set(id, body);
      }
      res.writeHead(answered, { 'content-type': 'text/plain' }).end(answered < 300 ? 'ok' : 'try again');
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }
}
