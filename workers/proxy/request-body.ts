import { ApiError } from '../http/api-error.js';

/** Largest body the proxy forwards (the reference allows 75 MB; Workers accept 100 MB). */
export const MAX_PROXY_BODY_BYTES = 100 * 1024 * 1024;
/** Bodies up to this size are held in memory so the call can be retried or redirected. */
export const REPLAYABLE_BODY_BYTES = 8 * 1024 * 1024;

/**
 * A request body for the provider. Small bodies are read whole (`bytes`) and can be sent again;
 * large ones are streamed through once (`stream`), counted against the limit as they pass.
 */
export type ProxyBody =
  | { kind: 'none' }
  | { kind: 'bytes'; bytes: Uint8Array<ArrayBuffer> }
  | {
      kind: 'stream';
      stream: ReadableStream<Uint8Array>;
      /**
       * Aborted when the body passes the limit: the upstream request is then cut off (the provider
       * sees an aborted request, never a shortened one that looks complete).
       */
      overLimit: AbortSignal;
    };

export function tooLarge(): ApiError {
  return new ApiError(
    'payload_too_large',
    413,
    `The request body is larger than ${MAX_PROXY_BODY_BYTES / 1024 / 1024} MiB, the most the proxy forwards`,
  );
}

function concat(chunks: Uint8Array[], size: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

export async function readProxyBody(
  request: Request,
  limits: { maxBytes: number; replayableBytes: number } = {
    maxBytes: MAX_PROXY_BODY_BYTES,
    replayableBytes: REPLAYABLE_BODY_BYTES,
  },
): Promise<ProxyBody> {
  if (request.method === 'GET' || request.method === 'HEAD' || !request.body) return { kind: 'none' };
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > limits.maxBytes) throw tooLarge();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (!(declared > limits.replayableBytes)) {
    while (size <= limits.replayableBytes) {
      const { done, value } = await reader.read();
      if (done) return size === 0 ? { kind: 'none' } : { kind: 'bytes', bytes: concat(chunks, size) };
      chunks.push(value);
      size += value.byteLength;
    }
  }
  // Too big to hold: what was read so far goes first, the rest follows as it arrives.
  let sent = 0;
  const overLimit = new AbortController();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      // Past the limit the stream neither ends nor errors: it stays pending while the upstream
      // request is aborted, so a shortened body can never look complete.
      if (overLimit.signal.aborted) return;
      const next = chunks.shift() ?? (await reader.read()).value;
      if (!next) {
        controller.close();
        return;
      }
      sent += next.byteLength;
      if (sent > limits.maxBytes) {
        overLimit.abort(new DOMException('The request body is over the limit', 'AbortError'));
        await reader.cancel().catch(() => {});
        return;
      }
      controller.enqueue(next);
    },
    cancel: (reason) => reader.cancel(reason).catch(() => {}),
  });
  return { kind: 'stream', stream, overLimit: overLimit.signal };
}
