import { Pier } from '../sdk/index.js';
import { startPlatform } from '../test/e2e/support/platform.js';
import { WebhookReceiver } from '../test/e2e/support/webhook-receiver.js';
import { summarize } from './stats.js';

const N = Number(process.argv[2] ?? 500);
const C = Number(process.argv[3] ?? 8);
const receiver = await new WebhookReceiver().start();
const platform = await startPlatform({ env: { PIER_LOG_LEVEL: process.env.PIER_LOG_LEVEL ?? '' } });
const pier = new Pier({ host: platform.url, secretKey: platform.secretKey });
try {
  await pier.createProvider({
    name: 'bh',
    displayName: 'B',
    auth: { mode: 'API_KEY' },
    api: { baseUrl: 'http://127.0.0.1:9' },
  });
  await pier.createIntegration({ unique_key: 'hooks', provider: 'bh' });
  await pier.updateEnvironment({ webhook_settings: { primary_url: receiver.url, on_auth_creation: true } });
  let next = 0;
  const t0 = Date.now();
  const lat: number[] = [];
  await Promise.all(
    Array.from({ length: C }, async () => {
      while (next < N) {
        const i = next++;
        const s = Date.now();
        await pier.importConnection({
          provider_config_key: 'hooks',
          connection_id: `c${i}`,
          credentials: { type: 'API_KEY', apiKey: 'k' },
        });
        lat.push(Date.now() - s);
      }
    }),
  );
  const recorded = Date.now() - t0;
  await receiver.waitFor(() => receiver.accepted.size >= N, 120_000, 'all');
  const last = Math.max(...receiver.requests.map((r) => r.atMs));
  console.log(
    `record ${N} in ${recorded} ms (${((N * 1000) / recorded).toFixed(0)}/s, import p50 ${summarize(lat).p50} ms); last receipt +${last - t0 - recorded} ms after recording ended`,
  );
  const rows = (await pier.listWebhookDeliveries({ limit: 500 })).data;
  const srv = rows.map((d) => Date.parse(d.delivered_at ?? '') - Date.parse(d.created_at));
  const firstAt = new Map<string, number>();
  for (const r of receiver.requests)
    if (!firstAt.has(String(r.headers['pier-webhook-id']))) firstAt.set(String(r.headers['pier-webhook-id']), r.atMs);
  const rec = rows.map((d) => (firstAt.get(d.event_id) ?? 0) - Date.parse(d.created_at));
  console.log(
    'created→delivered (server)',
    summarize(srv),
    'created→receipt',
    summarize(rec),
    'post ms',
    summarize(rows.map((d) => d.last_duration_ms ?? 0)),
  );
} finally {
  await platform.stop();
  await receiver.close();
}
