/**
 * Webhooks to the app, on the Miniflare runtime: events are recorded (a connection created, its
 * `auth` event) and delivered through the queue to a local receiver. Per series: events/s delivered
 * and the latency from the event being recorded (its delivery row's creation time) to its first
 * accepted receipt. Series: a healthy receiver; one failing 20 % of deliveries (0 lost is the
 * target); and half the events going to a dead destination (its port closed) while the other half
 * go to the healthy one, whose p50 is compared with the first series (ratio ≈ 1 is the target).
 */
import { Pier } from '../sdk/index.js';
import { startPlatform } from '../test/e2e/support/platform.js';
import { WebhookReceiver } from '../test/e2e/support/webhook-receiver.js';
import { ms, summarize } from './stats.js';

type Series = { events: number; delivered: number; lost: number; eventsPerSecond: number; p50: number; p99: number };

export async function benchWebhooks(options: { events?: number } = {}): Promise<string[]> {
  const events = options.events ?? Number(process.env.BENCH_WEBHOOK_EVENTS ?? 10_000);
  const receiver = await new WebhookReceiver().start();
  const dead = await new WebhookReceiver().start();
  const deadUrl = dead.url;
  await dead.down(); // a destination whose port is closed: every attempt is refused
  const platform = await startPlatform({
    env: {
      PIER_WEBHOOK_RETRY_BASE_SECONDS: '1',
      PIER_WEBHOOK_RETRY_MAX_SECONDS: '2',
      PIER_WEBHOOK_MAX_ATTEMPTS: '60',
      PIER_WEBHOOK_BREAKER_COOLDOWN_SECONDS: '5',
    },
  });
  const pier = new Pier({ host: platform.url, secretKey: platform.secretKey });
  let made = 0;
  const lines: string[] = [];
  try {
    await pier.createProvider({
      name: 'bench-hooks',
      displayName: 'Bench',
      auth: { mode: 'API_KEY' },
      api: { baseUrl: 'http://127.0.0.1:9' },
    });
    await pier.createIntegration({ unique_key: 'hooks', provider: 'bench-hooks' });
    await pier.updateEnvironment({ webhook_settings: { primary_url: receiver.url, on_auth_creation: true } });

    /** Records `count` events (8 at a time); `override` sends some to another URL. */
    const record = async (count: number, override?: (i: number) => string | undefined) => {
      const ids: string[] = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (next < count) {
            const i = next++;
            const id = `c-${++made}`;
            ids.push(id);
            const url = override?.(i);
            await pier.importConnection({
              provider_config_key: 'hooks',
              connection_id: id,
              credentials: { type: 'API_KEY', apiKey: 'k' },
            });
            if (url)
              await fetch(`${platform.url}/connections/${id}?provider_config_key=hooks`, {
                method: 'PATCH',
                headers: { authorization: `Bearer ${platform.secretKey}`, 'content-type': 'application/json' },
                body: JSON.stringify({ webhook_url_override: url }),
              });
          }
        }),
      );
      return ids;
    };

    /** Waits for the connections' events at the receiver, then reads their recording times. */
    const measure = async (connectionIds: string[], timeoutMs: number): Promise<Series> => {
      const wanted = new Set(connectionIds);
      const received = () =>
        [...receiver.accepted.values()].filter((b) =>
          wanted.has((JSON.parse(b) as { connectionId: string }).connectionId),
        ).length;
      await receiver
        .waitFor(() => received() >= wanted.size, timeoutMs, `${wanted.size} events`)
        .catch(() => undefined);
      const firstAccepted = new Map<string, number>();
      for (const r of receiver.requests)
        if (r.answered === 200 && !firstAccepted.has(String(r.headers['pier-webhook-id'])))
          firstAccepted.set(String(r.headers['pier-webhook-id']), r.atMs);
      const latencies: number[] = [];
      let firstRecorded = Number.POSITIVE_INFINITY;
      let lastReceived = 0;
      let delivered = 0;
      for (let cursor: string | undefined, page = 0; page < 1000; page++) {
        const { data, next_cursor } = await pier.listWebhookDeliveries({ limit: 500, ...(cursor ? { cursor } : {}) });
        for (const d of data) {
          if (!d.connection_id || !wanted.has(d.connection_id) || d.destination === 'override') continue;
          const at = firstAccepted.get(d.event_id);
          const recorded = Date.parse(d.created_at);
          firstRecorded = Math.min(firstRecorded, recorded);
          if (at === undefined) continue;
          delivered++;
          lastReceived = Math.max(lastReceived, at);
          latencies.push(at - recorded);
        }
        if (!next_cursor) break;
        cursor = next_cursor;
      }
      const { p50, p99 } = summarize(latencies);
      return {
        events: wanted.size,
        delivered,
        lost: wanted.size - delivered,
        eventsPerSecond: delivered / Math.max(0.001, (lastReceived - firstRecorded) / 1000),
        p50,
        p99,
      };
    };

    receiver.decide = () => 200;
    await measure(await record(50), 30_000); // warm-up
    const healthy = await measure(await record(events), 300_000);

    let n = 0;
    receiver.decide = () => (++n % 5 === 0 ? 503 : 200);
    const failing = await measure(await record(events), 600_000);

    receiver.decide = () => 200;
    const mixedCount = Math.max(100, Math.floor(events / 5));
    const mixed = await record(mixedCount, (i) => (i % 2 === 0 ? deadUrl : undefined));
    const healthyHalf = mixed.filter((_, i) => i % 2 === 1);
    const beside = await measure(healthyHalf, 300_000);

    const row = (name: string, s: Series) =>
      `${name.padEnd(38)} ${String(s.events).padStart(6)} ${String(s.lost).padStart(5)} ${s.eventsPerSecond.toFixed(0).padStart(8)} ${ms(s.p50).padStart(10)} ${ms(s.p99).padStart(10)}`;
    lines.push(`Webhooks: events recorded by connection creation, delivered to a local receiver (Miniflare runtime)`);
    lines.push(`series                                 events  lost  events/s        p50        p99`);
    lines.push(row('healthy receiver', healthy));
    lines.push(row('receiver failing 20 %', failing));
    lines.push(row('healthy half, other half to a dead URL', beside));
    lines.push(
      `healthy p50 beside a dead destination: x${(beside.p50 / healthy.p50).toFixed(2)} of the healthy series; target p50 ≤ 50 ms: ${healthy.p50 <= 50 ? 'met' : 'not met'}; lost with failures: ${failing.lost}`,
    );
  } finally {
    await platform.stop();
    await receiver.close();
  }
  return lines;
}
