import type { ProviderDefinitionInput } from '../../../sdk/contract/provider-definition.js';

export const bankingProviders: ProviderDefinitionInput[] = [
  {
    name: 'brex',
    displayName: 'Brex (OAuth)',
    categories: ['banking'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://accounts-api.brex.com/oauth2/default/v1/authorize',
      tokenUrl: 'https://accounts-api.brex.com/oauth2/default/v1/token',
      defaultScopes: ['openid', 'offline_access'],
    },
    api: {
      baseUrl: 'https://platform.brexapis.com',
    },
  },
  {
    name: 'ramp',
    displayName: 'Ramp',
    categories: ['banking'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://app.ramp.com/v1/authorize',
      tokenUrl: 'https://api.ramp.com/developer/v1/token',
      clientAuth: 'basic',
    },
    api: {
      baseUrl: 'https://api.ramp.com',
    },
  },
];
