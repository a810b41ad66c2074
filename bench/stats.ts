/** Percentile of a list of numbers (nearest rank). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

export function summarize(latenciesMs: number[]): { p50: number; p99: number; max: number } {
  return { p50: percentile(latenciesMs, 50), p99: percentile(latenciesMs, 99), max: Math.max(...latenciesMs) };
}

export const ms = (n: number) => `${n.toFixed(1)} ms`;

/** Runs `count` calls at once and returns each one's latency. */
export async function concurrently(count: number, call: (i: number) => Promise<void>): Promise<number[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const start = performance.now();
      await call(i);
      return performance.now() - start;
    }),
  );
}

import { Agent, request } from 'node:http';

/**
 * Keep-alive sockets for load: opening 1,000 TCP connections at once overflows the local
 * listener's accept queue (seen as TcpExtListenOverflows), and the dropped handshakes stall for
 * minutes — a load-generator artifact, not a server behaviour. Requests beyond `maxSockets` queue
 * in the client, so the server still sees a burst of concurrent work.
 */
export function loadAgent(maxSockets = 200): Agent {
  return new Agent({ keepAlive: true, maxSockets });
}

/** A GET over the given agent; resolves with status and body. */
export function httpGet(
  agent: Agent,
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * A closed loop: `clients` callers, each sending its next call when the last one is answered, until
 * `total` calls; any status other than 200 stops the benchmark. `items` counts what one answer
 * carries (records in a page), for a rate per item.
 */
export async function closedLoop(
  clients: number,
  total: number,
  call: () => Promise<{ status: number; body?: string }>,
  items: (body: string) => number = () => 1,
): Promise<{ rps: number; itemsPerSecond: number; p50: number; p99: number }> {
  const latencies: number[] = [];
  let issued = 0;
  let counted = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (issued < total) {
        issued++;
        const t = performance.now();
        const { status, body = '' } = await call();
        if (status !== 200) throw new Error(`status ${status}: ${body.slice(0, 300)}`);
        counted += items(body);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const { p50, p99 } = summarize(latencies);
  return { rps: latencies.length / seconds, itemsPerSecond: counted / seconds, p50, p99 };
}

/** A POST over the given agent (JSON body); resolves with status and body. */
export function httpPost(
  agent: Agent,
  url: string,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { agent, method: 'POST', headers: { ...headers, 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
