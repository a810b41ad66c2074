import { type Context, Hono } from 'hono';
import {
  recordsHeadersSchema,
  syncControlBodySchema,
  syncFrequencyBodySchema,
  syncStatusQuerySchema,
  syncTriggerBodySchema,
  syncVariantPathSchema,
} from '../../sdk/contract/records.js';
import type { AppEnv } from '../app-env.js';
import { ApiError } from '../http/api-error.js';
import { check, readJsonBody, readParams, readQuery } from '../http/validate.js';
import { requireSecretKey } from '../middleware/secret-key.js';
import {
  changeVariant,
  controlSyncs,
  readSyncRefs,
  syncStatuses,
  updateConnectionFrequency,
} from '../syncs/service.js';

const scopeOf = (c: Context<AppEnv>) => ({
  db: c.get('db'),
  config: c.get('config'),
  env: c.env,
  environment: c.get('environment'),
});

/** Nango's sync control routes: trigger, start, pause, status, per-connection frequency, variants. */
export const syncRoutes = new Hono<AppEnv>({ strict: false })
  .use(requireSecretKey)
  .post('/trigger', async (c) => {
    const body = await readJsonBody(c, syncTriggerBodySchema);
    const mode = body.sync_mode ?? (body.full_resync ? 'full_refresh' : undefined);
    const reset = body.opts?.reset ?? (mode === 'full_refresh' || mode === 'full_refresh_and_clear_cache');
    const emptyCache = body.opts?.emptyCache ?? mode === 'full_refresh_and_clear_cache';
    if (emptyCache && !reset) throw new ApiError('invalid_body', 400, 'opts.emptyCache needs opts.reset');
    await controlSyncs(
      scopeOf(c),
      { integrationKey: body.provider_config_key, connectionId: body.connection_id, syncs: readSyncRefs(body.syncs) },
      { trigger: { reset, emptyCache } },
    );
    return c.json({ success: true });
  })
  .post('/start', async (c) => {
    const body = await readJsonBody(c, syncControlBodySchema);
    await controlSyncs(
      scopeOf(c),
      { integrationKey: body.provider_config_key, connectionId: body.connection_id, syncs: readSyncRefs(body.syncs) },
      'start',
    );
    return c.json({ success: true });
  })
  .post('/pause', async (c) => {
    const body = await readJsonBody(c, syncControlBodySchema);
    await controlSyncs(
      scopeOf(c),
      { integrationKey: body.provider_config_key, connectionId: body.connection_id, syncs: readSyncRefs(body.syncs) },
      'pause',
    );
    return c.json({ success: true });
  })
  .get('/status', async (c) => {
    const query = readQuery(c, syncStatusQuerySchema);
    const syncs =
      query.syncs.trim() === '*'
        ? '*'
        : readSyncRefs(
            query.syncs
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean),
          );
    return c.json(
      await syncStatuses(scopeOf(c), {
        integrationKey: query.provider_config_key,
        connectionId: query.connection_id,
        syncs,
      }),
    );
  })
  .put('/update-connection-frequency', async (c) => {
    const body = await readJsonBody(c, syncFrequencyBodySchema);
    return c.json(
      await updateConnectionFrequency(scopeOf(c), {
        integrationKey: body.provider_config_key,
        connectionId: body.connection_id,
        name: body.sync_name,
        variant: body.sync_variant ?? 'base',
        frequency: body.frequency,
      }),
    );
  })
  .post('/:name/variant/:variant', async (c) => {
    const { name, variant } = readParams(c, syncVariantPathSchema);
    const headers = check(recordsHeadersSchema, Object.fromEntries(c.req.raw.headers), 'invalid_headers', 'header');
    return c.json(
      await changeVariant(
        scopeOf(c),
        { integrationKey: headers['provider-config-key'], connectionId: headers['connection-id'], name, variant },
        true,
      ),
    );
  })
  .delete('/:name/variant/:variant', async (c) => {
    const { name, variant } = readParams(c, syncVariantPathSchema);
    const headers = check(recordsHeadersSchema, Object.fromEntries(c.req.raw.headers), 'invalid_headers', 'header');
    await changeVariant(
      scopeOf(c),
      { integrationKey: headers['provider-config-key'], connectionId: headers['connection-id'], name, variant },
      false,
    );
    return c.json({ success: true });
  });
