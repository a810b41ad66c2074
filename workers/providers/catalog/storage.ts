import type { ProviderDefinitionInput } from '../../../sdk/contract/provider-definition.js';

export const storageProviders: ProviderDefinitionInput[] = [
  {
    name: 'sharepoint-online',
    displayName: 'SharePoint Online (v2)',
    categories: ['storage', 'communication', 'popular'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
      authorizationParams: {
        response_type: 'code',
        response_mode: 'query',
      },
      refreshParams: {
        grant_type: 'refresh_token',
      },
      pkce: false,
      tokenUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
      tokenParams: {
        grant_type: 'authorization_code',
      },
      defaultScopes: ['offline_access', '.default'],
    },
    api: {
      baseUrl: 'https://graph.microsoft.com',
      decompress: true,
      rateLimit: {
        retryAfterHeaders: ['retry-after'],
      },
    },
  },
];
