import { describe, expect, it } from 'vitest';
import { readProxyBody } from '../../workers/proxy/request-body.js';

/** Request bodies in workerd itself, with small limits standing in for 8 MiB / 100 MiB. */
const limits = { maxBytes: 1000, replayableBytes: 100 };

function chunked(total: number, chunk = 50): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= total) return controller.close();
      const size = Math.min(chunk, total - sent);
      sent += size;
      controller.enqueue(new Uint8Array(size).fill(7));
    },
  });
}

async function drain(stream: ReadableStream<Uint8Array>): Promise<number> {
  let bytes = 0;
  for await (const c of stream as unknown as AsyncIterable<Uint8Array>) bytes += c.byteLength;
  return bytes;
}

describe('proxy request bodies', () => {
  it('holds small bodies for retries and streams larger ones in full', async () => {
    const small = await readProxyBody(new Request('http://x/', { method: 'POST', body: 'x'.repeat(80) }), limits);
    expect(small.kind).toBe('bytes');
    const large = await readProxyBody(
      new Request('http://x/', { method: 'POST', body: chunked(900), duplex: 'half' } as RequestInit),
      limits,
    );
    expect(large.kind).toBe('stream');
    if (large.kind !== 'stream') return;
    expect(await drain(large.stream)).toBe(900);
    expect(large.overLimit.aborted).toBe(false);
  });

  it('refuses a declared length over the limit before reading, and aborts a stream that passes it', async () => {
    await expect(
      readProxyBody(
        new Request('http://x/', { method: 'POST', body: 'x'.repeat(1001), headers: { 'content-length': '1001' } }),
        limits,
      ),
    ).rejects.toMatchObject({ status: 413, code: 'payload_too_large' });

    const over = await readProxyBody(
      new Request('http://x/', { method: 'POST', body: chunked(5000), duplex: 'half' } as RequestInit),
      limits,
    );
    if (over.kind !== 'stream') throw new Error('expected a stream');
    const reader = over.stream.getReader();
    let passed = 0;
    // The stream stops short of the limit and signals the abort; it never ends as if complete.
    const ended = (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return 'ended';
        passed += value.byteLength;
      }
    })();
    await new Promise<void>((resolve) => over.overLimit.addEventListener('abort', () => resolve(), { once: true }));
    expect(over.overLimit.aborted).toBe(true);
    expect(passed).toBeLessThanOrEqual(1000);
    const outcome = await Promise.race([ended, new Promise((r) => setTimeout(() => r('pending'), 200))]);
    expect(outcome).toBe('pending');
    await reader.cancel();
  });
});
