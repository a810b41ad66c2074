import type { ProviderDefinitionInput } from '../../../sdk/contract/provider-definition.js';

export const gamingProviders: ProviderDefinitionInput[] = [
  {
    name: 'discord',
    displayName: 'Discord',
    categories: ['gaming', 'social'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://discord.com/api/oauth2/authorize',
      authorizationParams: {
        response_type: 'code',
      },
      tokenUrl: 'https://discord.com/api/oauth2/token',
    },
    api: {
      baseUrl: 'https://discord.com',
      rateLimit: {
        retryAfterHeaders: ['retry-after'],
      },
    },
  },
  {
    name: 'twitch',
    displayName: 'Twitch',
    categories: ['gaming', 'social', 'sports', 'video'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://id.twitch.tv/oauth2/authorize',
      authorizationParams: {
        force_verify: 'false',
        response_type: 'code',
      },
      refreshParams: {
        grant_type: 'refresh_token',
      },
      tokenUrl: 'https://id.twitch.tv/oauth2/token',
      tokenParams: {
        grant_type: 'authorization_code',
      },
    },
    api: {
      baseUrl: 'https://api.twitch.tv',
    },
  },
];
