/**
 * Webhooks to the app, on the Miniflare runtime. Events are recorded through `POST /webhooks/test`
 * (one event, recorded and queued like any other) and delivered through the queue to a local
 * receiver; latency runs from the request that records an event to the event's first accepted
 * receipt. Series, all in one run:
 *
 * - burst: events recorded as fast as 8 clients can — delivered events/s, and latency at saturation;
 * - paced healthy: events recorded at a steady rate below saturation — the p50 target (≤ 50 ms);
 * - paced, receiver failing 20 %: the same with one delivery in five answered 503 — 0 lost;
 * - a dead secondary: every event also goes to a destination whose port is closed; the healthy
 *   primary's p50 against a baseline series at the same rate measured just before (ratio ≈ 1).
 */
import { Pier } from '../sdk/index.js';
import { startPlatform } from '../test/e2e/support/platform.js';
import { WebhookReceiver } from '../test/e2e/support/webhook-receiver.js';
import { httpPost, loadAgent, ms, summarize } from './stats.js';

type Series = { events: number; lost: number; eventsPerSecond: number; p50: number; p99: number };

export async function benchWebhooks(options: { events?: number; rate?: number } = {}): Promise<string[]> {
  const events = options.events ?? Number(process.env.BENCH_WEBHOOK_EVENTS ?? 10_000);
  const rate = options.rate ?? Number(process.env.BENCH_WEBHOOK_RATE ?? 200);
  const receiver = await new WebhookReceiver().start();
  const dead = await new WebhookReceiver().start();
  const deadUrl = dead.url;
  await dead.down(); // its port closed: every attempt is refused
  const platform = await startPlatform({
    env: {
      PIER_WEBHOOK_RETRY_BASE_SECONDS: '1',
      PIER_WEBHOOK_RETRY_MAX_SECONDS: '2',
      PIER_WEBHOOK_MAX_ATTEMPTS: '60',
      PIER_WEBHOOK_BREAKER_COOLDOWN_SECONDS: '10',
    },
  });
  const pier = new Pier({ host: platform.url, secretKey: platform.secretKey });
  const agent = loadAgent(64);
  const recordOne = async () => {
    const res = await httpPost(
      agent,
      `${platform.url}/webhooks/test`,
      { authorization: `Bearer ${platform.secretKey}` },
      '',
    );
    if (res.status !== 200) throw new Error(`status ${res.status}: ${res.body}`);
    return (JSON.parse(res.body) as { data: { event_id: string } }).data.event_id;
  };

  /** Records `count` events: paced at `perSecond` (open loop), or as fast as 8 clients can. */
  const record = async (count: number, perSecond?: number) => {
    const sentAt = new Map<string, number>();
    const started = Date.now();
    if (perSecond) {
      const inFlight: Promise<void>[] = [];
      for (let i = 0; i < count; i++) {
        const due = started + (i * 1000) / perSecond;
        const wait = due - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const at = Date.now();
        inFlight.push(recordOne().then((id) => void sentAt.set(id, at)));
      }
      await Promise.all(inFlight);
    } else {
      let next = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (next++ < count) {
            const at = Date.now();
            sentAt.set(await recordOne(), at);
          }
        }),
      );
    }
    return sentAt;
  };

  const measure = async (sentAt: Map<string, number>, timeoutMs: number): Promise<Series> => {
    await receiver
      .waitFor(() => [...sentAt.keys()].every((id) => receiver.accepted.has(id)), timeoutMs, 'deliveries')
      .catch(() => undefined);
    const firstAccepted = new Map<string, number>();
    for (const r of receiver.requests) {
      const id = String(r.headers['pier-webhook-id']);
      if (r.answered === 200 && sentAt.has(id) && !firstAccepted.has(id)) firstAccepted.set(id, r.atMs);
    }
    const latencies = [...firstAccepted].map(([id, at]) => at - (sentAt.get(id) ?? at));
    const first = Math.min(...sentAt.values());
    const last = Math.max(...firstAccepted.values());
    const { p50, p99 } = summarize(latencies);
    return {
      events: sentAt.size,
      lost: sentAt.size - firstAccepted.size,
      eventsPerSecond: (firstAccepted.size * 1000) / Math.max(1, last - first),
      p50,
      p99,
    };
  };

  const lines: string[] = [];
  try {
    await pier.updateEnvironment({ webhook_settings: { primary_url: receiver.url, secondary_url: null } });
    receiver.decide = () => 200;
    await measure(await record(200), 30_000); // warm-up

    const burst = await measure(await record(events), 600_000);
    const paced = await measure(await record(events, rate), 600_000);
    let n = 0;
    receiver.decide = () => (++n % 5 === 0 ? 503 : 200);
    const failing = await measure(await record(events, rate), 900_000);
    receiver.decide = () => 200;

    const side = Math.max(200, Math.floor(events / 5));
    const sideRate = Math.max(10, Math.floor(rate / 2));
    const baseline = await measure(await record(side, sideRate), 300_000);
    await pier.updateEnvironment({ webhook_settings: { secondary_url: deadUrl } });
    const beside = await measure(await record(side, sideRate), 300_000);
    await pier.updateEnvironment({ webhook_settings: { secondary_url: null } });

    const row = (name: string, s: Series) =>
      `${name.padEnd(44)} ${String(s.events).padStart(6)} ${String(s.lost).padStart(5)} ${s.eventsPerSecond.toFixed(0).padStart(8)} ${ms(s.p50).padStart(10)} ${ms(s.p99).padStart(10)}`;
    lines.push(
      'Webhooks: recorded by POST /webhooks/test, delivered through the queue to a local receiver (Miniflare runtime)',
    );
    lines.push('series                                       events  lost  events/s        p50        p99');
    lines.push(row('burst (8 clients, as fast as they can)', burst));
    lines.push(row(`paced ${rate}/s, healthy receiver`, paced));
    lines.push(row(`paced ${rate}/s, receiver failing 20 %`, failing));
    lines.push(row(`paced ${sideRate}/s, primary only (baseline)`, baseline));
    lines.push(row(`paced ${sideRate}/s, primary beside a dead secondary`, beside));
    lines.push(
      `healthy p50 target ≤ 50 ms: ${paced.p50 <= 50 ? 'met' : 'not met'} (${ms(paced.p50)}); lost with failures: ${failing.lost}; ` +
        `healthy destination's p50 beside a dead one: x${(beside.p50 / baseline.p50).toFixed(2)} of its baseline`,
    );
  } finally {
    agent.destroy();
    await platform.stop();
    await receiver.close();
  }
  return lines;
}
