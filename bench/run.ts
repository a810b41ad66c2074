/**
 * `npm run bench`: runs every benchmark against the real local platform and prints results with
 * ratios to a baseline measured in the same run (machines here are noisy; compare ratios, not ms).
 */
import { benchActions } from './actions.js';
import { profileProxy } from './profile-proxy.js';
import { profileRecords } from './profile-records.js';
import { benchProxy } from './proxy.js';
import { benchRecords } from './records.js';
import { benchTokenRefresh } from './token-refresh.js';
import { benchWebhooks } from './webhooks.js';

const only = process.argv[2];
const suites: Record<string, () => Promise<string[]>> = {
  'token-refresh': () => benchTokenRefresh(),
  proxy: () => benchProxy(),
  actions: () => benchActions(),
  records: () => benchRecords(),
  webhooks: () => benchWebhooks(),
  // Not part of `npm run bench`: a diagnosis, run on its own.
  'profile-proxy': () => profileProxy(),
  'profile-records': () => profileRecords(),
};

for (const [name, run] of Object.entries(suites)) {
  if (only ? only !== name : name.startsWith('profile-')) continue;
  console.log((await run()).join('\n'));
}
