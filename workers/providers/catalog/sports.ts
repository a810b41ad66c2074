import type { ProviderDefinitionInput } from '../../../sdk/contract/provider-definition.js';

export const sportsProviders: ProviderDefinitionInput[] = [
  {
    name: 'fitbit',
    displayName: 'Fitbit',
    categories: ['sports'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://www.fitbit.com/oauth2/authorize',
      tokenUrl: 'https://api.fitbit.com/oauth2/token',
      clientAuth: 'basic',
    },
    api: {
      baseUrl: 'https://api.fitbit.com',
    },
  },
  {
    name: 'oura',
    displayName: 'Oura',
    categories: ['sports'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://cloud.ouraring.com/oauth/authorize',
      authorizationParams: {
        response_type: 'code',
      },
      refreshParams: {
        grant_type: 'refresh_token',
      },
      tokenUrl: 'https://api.ouraring.com/oauth/token',
      tokenParams: {
        grant_type: 'authorization_code',
      },
      scopeSeparator: ' ',
    },
    api: {
      baseUrl: 'https://api.ouraring.com',
    },
  },
];
