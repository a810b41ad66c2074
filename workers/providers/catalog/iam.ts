import type { ProviderDefinitionInput } from '../../../sdk/contract/provider-definition.js';

export const iamProviders: ProviderDefinitionInput[] = [
  {
    name: 'auth0',
    displayName: 'Auth0',
    categories: ['iam'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://${connectionConfig.subdomain}.auth0.com/authorize',
      authorizationParams: {
        response_type: 'code',
        response_mode: 'query',
      },
      refreshParams: {
        grant_type: 'refresh_token',
      },
      tokenUrl: 'https://${connectionConfig.subdomain}.auth0.com/oauth/token',
      tokenParams: {
        grant_type: 'authorization_code',
      },
    },
    connectionConfig: {
      subdomain: {
        title: 'Subdomain',
        pattern: '^[a-z0-9_-]+$',
        prefix: 'https://',
        suffix: '.auth0.com',
      },
    },
    api: {
      baseUrl: 'https://${connectionConfig.subdomain}.auth0.com',
    },
  },
];
