import type { ProviderDefinitionInput } from '../../../sdk/contract/provider-definition.js';

export const erpProviders: ProviderDefinitionInput[] = [
  {
    name: 'zuora',
    displayName: 'Zuora',
    categories: ['erp'],
    auth: {
      mode: 'OAUTH2_CC',
      tokenUrl: 'https://${connectionConfig.subdomain}.zuora.com/oauth/token',
      tokenParams: {
        grant_type: 'client_credentials',
      },
    },
    connectionConfig: {
      subdomain: {
        title: 'Subdomain',
        prefix: 'https://',
        suffix: '.zuora.com',
      },
    },
    api: {
      baseUrl: 'https://${connectionConfig.subdomain}.zuora.com',
      rateLimit: {
        retryAfterHeaders: ['ratelimit-reset'],
      },
    },
  },
];
