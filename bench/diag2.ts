import { Pier } from '../sdk/index.js';
import { startPlatform } from '../test/e2e/support/platform.js';
import { WebhookReceiver } from '../test/e2e/support/webhook-receiver.js';
import { summarize } from './stats.js';

const N = Number(process.argv[2] ?? 1000);
const C = Number(process.argv[3] ?? 8);
const receiver = await new WebhookReceiver().start();
const platform = await startPlatform();
const pier = new Pier({ host: platform.url, secretKey: platform.secretKey });
try {
  await pier.updateEnvironment({ webhook_settings: { primary_url: receiver.url } });
  let next = 0;
  const t0 = Date.now();
  const sent = new Map<string, number>();
  await Promise.all(
    Array.from({ length: C }, async () => {
      while (next < N) {
        next++;
        const s = Date.now();
        const r = await fetch(`${platform.url}/webhooks/test`, {
          method: 'POST',
          headers: { authorization: `Bearer ${platform.secretKey}` },
        });
        const j = (await r.json()) as any;
        sent.set(j.data.event_id, s);
      }
    }),
  );
  const rec = Date.now() - t0;
  await receiver.waitFor(() => receiver.accepted.size >= N, 120_000, 'all');
  const first = new Map<string, number>();
  for (const r of receiver.requests)
    if (!first.has(String(r.headers['pier-webhook-id']))) first.set(String(r.headers['pier-webhook-id']), r.atMs);
  const lat = [...sent].map(([id, s]) => (first.get(id) ?? 0) - s);
  const last = Math.max(...first.values());
  console.log(
    `recorded ${N} in ${rec} ms (${((N * 1000) / rec).toFixed(0)}/s); all received after ${last - t0} ms (${((N * 1000) / (last - t0)).toFixed(0)}/s); send→receipt`,
    summarize(lat),
  );
} finally {
  await platform.stop();
  await receiver.close();
}
