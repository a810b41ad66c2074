import type { ProviderDefinitionInput } from '../../../sdk/contract/provider-definition.js';

export const otherProviders: ProviderDefinitionInput[] = [
  {
    name: 'spotify',
    displayName: 'Spotify (OAuth)',
    categories: ['other'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://accounts.spotify.com/authorize',
      authorizationParams: {
        response_type: 'code',
      },
      refreshParams: {
        grant_type: 'refresh_token',
      },
      tokenUrl: 'https://accounts.spotify.com/api/token',
      tokenParams: {
        grant_type: 'authorization_code',
      },
    },
    api: {
      baseUrl: 'https://api.spotify.com',
    },
  },
  {
    name: 'unauthenticated',
    displayName: 'Unauthenticated',
    categories: ['other'],
    auth: {
      mode: 'NONE',
    },
  },
];
