import { z } from 'zod';
import { successResponseSchema } from './common.js';
import {
  apiKeyRefBodySchema,
  apiKeySchema,
  apiKeyWithSecretSchema,
  createApiKeyBodySchema,
  createEnvironmentBodySchema,
  environmentIdPathSchema,
  environmentSchema,
  environmentSummarySchema,
  listApiKeysQuerySchema,
  updateEnvironmentBodySchema,
  webhookSigningKeySchema,
} from './environments.js';
import { errorBodySchema } from './errors.js';
import {
  createIntegrationBodySchema,
  getIntegrationQuerySchema,
  integrationFullResponseSchema,
  integrationListResponseSchema,
  integrationPathSchema,
  integrationResponseSchema,
  updateIntegrationBodySchema,
} from './integrations.js';
import { providerDefinitionSchema } from './provider-definition.js';
import {
  listProvidersQuerySchema,
  providerListResponseSchema,
  providerPathSchema,
  providerResponseSchema,
  wireProviderSchema,
} from './providers.js';

/** One documented route: the single description the OpenAPI document is generated from. */
export type RouteContract = {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI path template, e.g. `/integrations/{uniqueKey}`. */
  path: string;
  summary: string;
  tag: string;
  /** `secret_key` routes need `Authorization: Bearer <secret key>`; `account` ones a key with `account:*`. */
  auth: 'none' | 'secret_key' | 'account';
  params?: z.ZodObject;
  query?: z.ZodType;
  body?: z.ZodType;
  response: { status: number; schema?: z.ZodType; description: string };
};

const data = <T extends z.ZodType>(schema: T) => z.object({ data: schema });

export const ROUTES = [
  {
    method: 'get',
    path: '/health',
    summary: 'Liveness and readiness',
    tag: 'Platform',
    auth: 'none',
    response: { status: 200, schema: z.object({ status: z.literal('ok') }), description: 'Ready' },
  },
  {
    method: 'get',
    path: '/openapi.json',
    summary: 'This document',
    tag: 'Platform',
    auth: 'none',
    response: { status: 200, description: 'OpenAPI 3.1 document' },
  },
  {
    method: 'get',
    path: '/providers',
    summary: 'List providers (built-in and this environment’s custom ones)',
    tag: 'Providers',
    auth: 'secret_key',
    query: listProvidersQuerySchema,
    response: { status: 200, schema: providerListResponseSchema, description: 'Providers' },
  },
  {
    method: 'get',
    path: '/providers/{provider}',
    summary: 'Get a provider',
    tag: 'Providers',
    auth: 'secret_key',
    params: providerPathSchema,
    response: { status: 200, schema: providerResponseSchema, description: 'The provider' },
  },
  {
    method: 'post',
    path: '/providers',
    summary: 'Add a custom provider to this environment',
    tag: 'Providers',
    auth: 'secret_key',
    body: z.union([providerDefinitionSchema, wireProviderSchema]),
    response: { status: 201, schema: providerResponseSchema, description: 'The provider as stored' },
  },
  {
    method: 'put',
    path: '/providers/{provider}',
    summary: 'Replace a custom provider',
    tag: 'Providers',
    auth: 'secret_key',
    params: providerPathSchema,
    body: z.union([providerDefinitionSchema, wireProviderSchema]),
    response: { status: 200, schema: providerResponseSchema, description: 'The provider as stored' },
  },
  {
    method: 'delete',
    path: '/providers/{provider}',
    summary: 'Remove a custom provider',
    tag: 'Providers',
    auth: 'secret_key',
    params: providerPathSchema,
    response: { status: 200, schema: successResponseSchema, description: 'Removed' },
  },
  {
    method: 'get',
    path: '/integrations',
    summary: 'List integrations',
    tag: 'Integrations',
    auth: 'secret_key',
    response: { status: 200, schema: integrationListResponseSchema, description: 'Integrations' },
  },
  {
    method: 'post',
    path: '/integrations',
    summary: 'Create an integration',
    tag: 'Integrations',
    auth: 'secret_key',
    body: createIntegrationBodySchema,
    response: { status: 200, schema: integrationResponseSchema, description: 'The integration' },
  },
  {
    method: 'get',
    path: '/integrations/{uniqueKey}',
    summary: 'Get an integration',
    tag: 'Integrations',
    auth: 'secret_key',
    params: integrationPathSchema,
    query: getIntegrationQuerySchema,
    response: { status: 200, schema: integrationFullResponseSchema, description: 'The integration' },
  },
  {
    method: 'patch',
    path: '/integrations/{uniqueKey}',
    summary: 'Update an integration',
    tag: 'Integrations',
    auth: 'secret_key',
    params: integrationPathSchema,
    body: updateIntegrationBodySchema,
    response: { status: 200, schema: integrationResponseSchema, description: 'The integration' },
  },
  {
    method: 'delete',
    path: '/integrations/{uniqueKey}',
    summary: 'Delete an integration',
    tag: 'Integrations',
    auth: 'secret_key',
    params: integrationPathSchema,
    response: { status: 200, schema: successResponseSchema, description: 'Deleted' },
  },
  {
    method: 'get',
    path: '/environment',
    summary: 'The environment of the calling key',
    tag: 'Environments',
    auth: 'secret_key',
    response: { status: 200, schema: data(environmentSchema), description: 'The environment' },
  },
  {
    method: 'patch',
    path: '/environment',
    summary: 'Update the callback URL and webhook settings of the calling key’s environment',
    tag: 'Environments',
    auth: 'secret_key',
    body: updateEnvironmentBodySchema,
    response: { status: 200, schema: data(environmentSchema), description: 'The environment' },
  },
  {
    method: 'post',
    path: '/environment/webhook-signing-key/rotate',
    summary: 'Rotate the webhook signing key of the calling key’s environment',
    tag: 'Environments',
    auth: 'secret_key',
    response: { status: 200, schema: data(webhookSigningKeySchema), description: 'The new key, shown once' },
  },
  {
    method: 'get',
    path: '/environments',
    summary: 'List environments',
    tag: 'Environments',
    auth: 'account',
    response: { status: 200, schema: data(z.array(environmentSchema)), description: 'Environments' },
  },
  {
    method: 'post',
    path: '/environments',
    summary: 'Create an environment',
    tag: 'Environments',
    auth: 'account',
    body: createEnvironmentBodySchema,
    response: { status: 200, schema: data(environmentSummarySchema), description: 'The environment' },
  },
  {
    method: 'delete',
    path: '/environments/{environmentId}',
    summary: 'Delete an environment and everything in it',
    tag: 'Environments',
    auth: 'account',
    params: environmentIdPathSchema,
    response: { status: 204, description: 'Deleted' },
  },
  {
    method: 'get',
    path: '/environment/api-keys',
    summary: 'List API keys (never their secrets)',
    tag: 'API keys',
    auth: 'secret_key',
    query: listApiKeysQuerySchema,
    response: { status: 200, schema: data(z.array(apiKeySchema)), description: 'Keys' },
  },
  {
    method: 'post',
    path: '/environment/api-keys',
    summary: 'Create an API key; its secret is shown once',
    tag: 'API keys',
    auth: 'secret_key',
    body: createApiKeyBodySchema,
    response: { status: 200, schema: data(apiKeyWithSecretSchema), description: 'The key with its secret' },
  },
  {
    method: 'post',
    path: '/environment/api-keys/rotate',
    summary: 'Replace a key’s secret; the old secret stops working at once',
    tag: 'API keys',
    auth: 'secret_key',
    body: apiKeyRefBodySchema,
    response: { status: 200, schema: data(apiKeyWithSecretSchema), description: 'The key with its new secret' },
  },
  {
    method: 'delete',
    path: '/environment/api-keys',
    summary: 'Delete an API key',
    tag: 'API keys',
    auth: 'secret_key',
    body: apiKeyRefBodySchema,
    response: { status: 200, schema: successResponseSchema, description: 'Deleted' },
  },
] as const satisfies readonly RouteContract[];

export { errorBodySchema };
