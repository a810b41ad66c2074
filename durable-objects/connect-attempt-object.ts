import { DurableObject } from 'cloudflare:workers';

/** What the server pushes to the page that started an auth attempt (the reference's WebSocket messages). */
export type AttemptMessage =
  | { message_type: 'success'; provider_config_key: string; connection_id: string; is_pending: boolean }
  | { message_type: 'error'; error_type: string; error_desc: string };

const RESULT_KEY = 'result';
/** How long a result is kept for a page that reconnects. */
const RESULT_LIFETIME_MS = 60 * 60 * 1000;
/**
 * How long an attempt without a result lives: anyone may open the socket (the frontend protocol
 * has no credentials), so such an object never outlives the OAuth state it waits for (15 min), and
 * is erased as soon as its last socket closes.
 */
const WAITING_LIFETIME_MS = 15 * 60 * 1000;

/**
 * One object per connect attempt: holds the page's WebSocket (hibernatable, so an idle wait costs
 * nothing) and delivers the popup's result over it, even when `window.opener` is lost. The result is
 * kept for an hour so a page that reconnects with its `ws_client_id` still receives it; an attempt
 * that never got a result is gone within 15 minutes, or when its last socket closes.
 */
export class ConnectAttemptObject extends DurableObject<Env> {
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket')
      return new Response('Expected a WebSocket', { status: 426 });
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server);
    server.send(JSON.stringify({ message_type: 'connection_ack', ws_client_id: this.ctx.id.toString() }));
    const stored = await this.ctx.storage.get<AttemptMessage>(RESULT_KEY);
    if (stored) server.send(JSON.stringify(stored));
    if ((await this.ctx.storage.getAlarm()) === null)
      await this.ctx.storage.setAlarm(Date.now() + (stored ? RESULT_LIFETIME_MS : WAITING_LIFETIME_MS));
    return new Response(null, { status: 101, webSocket: client });
  }

  /**
   * Delivers the attempt's outcome to every open socket of this attempt and keeps it for late joiners.
   *
   * @example await env.CONNECT_ATTEMPT.get(id).publish({ message_type: 'success', provider_config_key: 'github', connection_id: 'u1', is_pending: false })
   */
  async publish(message: AttemptMessage): Promise<number> {
    await this.ctx.storage.put(RESULT_KEY, message);
    await this.ctx.storage.setAlarm(Date.now() + RESULT_LIFETIME_MS);
    const sockets = this.ctx.getWebSockets();
    for (const socket of sockets) socket.send(JSON.stringify(message));
    return sockets.length;
  }

  override async webSocketMessage(socket: WebSocket, message: string | ArrayBuffer): Promise<void> {
    if (message === 'ping') socket.send('pong');
  }

  override async webSocketClose(socket: WebSocket, code: number): Promise<void> {
    socket.close(code === 1005 ? 1000 : code, 'closing');
    const open = this.ctx.getWebSockets().filter((s) => s !== socket && s.readyState === WebSocket.OPEN);
    // Nobody is waiting and nothing was delivered: nothing of this attempt needs to stay.
    if (open.length === 0 && !(await this.ctx.storage.get(RESULT_KEY))) {
      await this.ctx.storage.deleteAlarm();
      await this.ctx.storage.deleteAll();
    }
  }

  /** The alarm time and whether a result is kept, for tests and status. */
  async readLifetime(): Promise<{ alarmAtMs: number | null; hasResult: boolean }> {
    return {
      alarmAtMs: await this.ctx.storage.getAlarm(),
      hasResult: (await this.ctx.storage.get(RESULT_KEY)) !== undefined,
    };
  }

  override async alarm(): Promise<void> {
    for (const socket of this.ctx.getWebSockets()) socket.close(1000, 'expired');
    await this.ctx.storage.deleteAll();
  }
}
