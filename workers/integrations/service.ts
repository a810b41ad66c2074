import type { z } from 'zod';
import type {
  createIntegrationBodySchema,
  Integration,
  IntegrationCredentials,
  IntegrationFull,
  updateIntegrationBodySchema,
} from '../../sdk/contract/integrations.js';
import type { AuthMode } from '../../sdk/contract/provider-definition.js';
import type { PierConfig } from '../config.js';
import { openJson, sealJson } from '../crypto/secret-box.js';
import { type Db, isUniqueViolation } from '../db/client.js';
import type { EnvironmentRow, IntegrationRow } from '../db/schema.js';
import { ApiError } from '../http/api-error.js';
import { findProvider } from '../providers/service.js';
import * as store from './store.js';

/** Which integration credential types fit which auth mode (a webhook secret alone fits any). */
const CREDENTIAL_TYPES_BY_MODE: Record<AuthMode, readonly IntegrationCredentials['type'][]> = {
  OAUTH2: ['OAUTH2', 'WEBHOOK_ONLY'],
  OAUTH2_CC: ['OAUTH2', 'WEBHOOK_ONLY'],
  OAUTH1: ['OAUTH1', 'WEBHOOK_ONLY'],
  APP: ['APP', 'WEBHOOK_ONLY'],
  API_KEY: ['WEBHOOK_ONLY'],
  BASIC: ['WEBHOOK_ONLY'],
  JWT: ['WEBHOOK_ONLY'],
  NONE: ['WEBHOOK_ONLY'],
};

/** Credentials are bound to their environment, so a ciphertext copied elsewhere does not open. */
const credentialsContext = (environment: Pick<EnvironmentRow, 'uuid'>) =>
  `environment:${environment.uuid}:integration_credentials`;

/** The integration's own OAuth client or app credentials, decrypted; null when none were set. */
export async function readIntegrationCredentials(
  config: PierConfig,
  environment: Pick<EnvironmentRow, 'uuid'>,
  row: Pick<IntegrationRow, 'credentialsEnc'>,
): Promise<IntegrationCredentials | null> {
  return row.credentialsEnc
    ? openJson<IntegrationCredentials>(config, row.credentialsEnc, credentialsContext(environment))
    : null;
}

type Scope = { db: Db; config: PierConfig; environment: EnvironmentRow };

export function formatIntegration(row: IntegrationRow): Integration {
  return {
    unique_key: row.uniqueKey,
    display_name: row.displayName,
    provider: row.provider,
    forward_webhooks: row.forwardWebhooks,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
}

async function requireIntegration(scope: Scope, uniqueKey: string): Promise<IntegrationRow> {
  const row = await store.findIntegrationRow(scope.db, scope.environment.id, uniqueKey);
  if (!row) throw new ApiError('unknown_provider_config', 404, `No integration "${uniqueKey}" in this environment`);
  return row;
}

function checkCredentialsFit(mode: AuthMode, provider: string, credentials: IntegrationCredentials): void {
  const allowed = CREDENTIAL_TYPES_BY_MODE[mode];
  if (!allowed.includes(credentials.type))
    throw new ApiError(
      'invalid_credentials',
      400,
      `Provider "${provider}" uses ${mode}; credentials of type ${credentials.type} do not apply (use ${allowed.join(' or ')})`,
      [{ code: 'custom', path: ['credentials', 'type'], message: `must be one of ${allowed.join(', ')}` }],
    );
}

export async function listIntegrations(scope: Scope): Promise<Integration[]> {
  return (await store.listIntegrationRows(scope.db, scope.environment.id)).map(formatIntegration);
}

export async function createIntegration(
  scope: Scope,
  input: z.output<typeof createIntegrationBodySchema>,
): Promise<Integration> {
  const provider = await findProvider(scope.db, scope.environment.id, input.provider);
  if (!provider)
    throw new ApiError('unknown_provider', 400, `No provider named "${input.provider}"`, [
      { code: 'custom', path: ['provider'], message: 'unknown provider' },
    ]);
  if (input.credentials) checkCredentialsFit(provider.definition.auth.mode, input.provider, input.credentials);
  try {
    const row = await store.insertIntegrationRow(scope.db, {
      environmentId: scope.environment.id,
      uniqueKey: input.unique_key,
      provider: input.provider,
      displayName: input.display_name ?? provider.definition.displayName,
      forwardWebhooks: input.forward_webhooks ?? true,
      credentialsEnc: input.credentials
        ? await sealJson(scope.config, input.credentials, credentialsContext(scope.environment))
        : null,
      integrationConfig: JSON.stringify(input.integration_config ?? {}),
    });
    return formatIntegration(row);
  } catch (err) {
    if (isUniqueViolation(err))
      throw new ApiError(
        'duplicate_integration',
        409,
        `An integration "${input.unique_key}" already exists in this environment`,
      );
    throw err;
  }
}

/** The integration with, on request, its webhook URL and decrypted credentials. */
export async function getIntegration(
  scope: Scope,
  uniqueKey: string,
  options: { include: readonly ('webhook' | 'credentials')[]; origin: string },
): Promise<IntegrationFull> {
  const row = await requireIntegration(scope, uniqueKey);
  const full: IntegrationFull = {
    ...formatIntegration(row),
    integration_config: JSON.parse(row.integrationConfig) as Record<string, string>,
  };
  if (options.include.includes('webhook'))
    full.webhook_url = `${options.origin}/webhook/${scope.environment.uuid}/${encodeURIComponent(row.uniqueKey)}`;
  if (options.include.includes('credentials'))
    full.credentials = await readIntegrationCredentials(scope.config, scope.environment, row);
  return full;
}

export async function updateIntegration(
  scope: Scope,
  uniqueKey: string,
  input: z.output<typeof updateIntegrationBodySchema>,
): Promise<Integration> {
  const row = await requireIntegration(scope, uniqueKey);
  if (input.credentials) {
    const provider = await findProvider(scope.db, scope.environment.id, row.provider);
    if (provider) checkCredentialsFit(provider.definition.auth.mode, row.provider, input.credentials);
  }
  const integrationConfig = input.integration_config
    ? JSON.stringify({ ...(JSON.parse(row.integrationConfig) as Record<string, string>), ...input.integration_config })
    : undefined;
  try {
    const updated = await store.updateIntegrationRow(scope.db, row.id, {
      ...(input.unique_key !== undefined ? { uniqueKey: input.unique_key } : {}),
      ...(input.display_name !== undefined ? { displayName: input.display_name } : {}),
      ...(input.forward_webhooks !== undefined ? { forwardWebhooks: input.forward_webhooks } : {}),
      ...(input.credentials !== undefined
        ? {
            credentialsEnc: input.credentials
              ? await sealJson(scope.config, input.credentials, credentialsContext(scope.environment))
              : null,
          }
        : {}),
      ...(integrationConfig !== undefined ? { integrationConfig } : {}),
    });
    if (!updated)
      throw new ApiError('unknown_provider_config', 404, `No integration "${uniqueKey}" in this environment`);
    return formatIntegration(updated);
  } catch (err) {
    if (isUniqueViolation(err))
      throw new ApiError(
        'duplicate_integration',
        409,
        `An integration "${input.unique_key}" already exists in this environment`,
      );
    throw err;
  }
}

/** Deletes an integration with `remove`, which also tears down its connections (connections/teardown.ts). */
export async function deleteIntegration(
  scope: Scope,
  uniqueKey: string,
  remove: (row: IntegrationRow) => Promise<unknown>,
): Promise<void> {
  await remove(await requireIntegration(scope, uniqueKey));
}
