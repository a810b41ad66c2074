import type { ProviderDefinitionInput } from '../../../sdk/contract/provider-definition.js';

export const accountingProviders: ProviderDefinitionInput[] = [
  {
    name: 'quickbooks',
    displayName: 'Quickbooks',
    categories: ['accounting', 'popular'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://appcenter.intuit.com/connect/oauth2',
      tokenUrl: 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer',
      callbackMetadata: ['realmId'],
    },
    connectionConfig: {
      realmId: {
        title: 'Realm ID',
        pattern: '^\\d{10,19}$',
        optional: true,
        automated: true,
      },
    },
    api: {
      baseUrl: 'https://quickbooks.api.intuit.com',
    },
  },
  {
    name: 'xero',
    displayName: 'Xero',
    categories: ['accounting', 'popular'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://login.xero.com/identity/connect/authorize',
      authorizationParams: {
        response_type: 'code',
      },
      tokenUrl: 'https://identity.xero.com/connect/token',
      defaultScopes: ['offline_access', 'openid'],
    },
    api: {
      baseUrl: 'https://api.xero.com',
      rateLimit: {
        retryAfterHeaders: ['retry-after'],
      },
    },
  },
  {
    name: 'xero-oauth2-cc',
    displayName: 'Xero (Client Credentials)',
    categories: ['accounting'],
    auth: {
      mode: 'OAUTH2_CC',
      tokenUrl: 'https://identity.xero.com/connect/token',
      tokenParams: {
        grant_type: 'client_credentials',
      },
      clientAuth: 'basic',
    },
    api: {
      baseUrl: 'https://api.xero.com',
      rateLimit: {
        retryAfterHeaders: ['retry-after'],
      },
    },
  },
];
