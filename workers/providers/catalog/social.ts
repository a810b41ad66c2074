import type { ProviderDefinitionInput } from '../../../sdk/contract/provider-definition.js';

export const socialProviders: ProviderDefinitionInput[] = [
  {
    name: 'reddit',
    displayName: 'Reddit',
    categories: ['social'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://www.reddit.com/api/v1/authorize',
      authorizationParams: {
        duration: 'permanent',
      },
      tokenUrl: 'https://www.reddit.com/api/v1/access_token',
      clientAuth: 'basic',
    },
    api: {
      baseUrl: 'https://oauth.reddit.com',
    },
  },
  {
    name: 'strava',
    displayName: 'Strava (Mobile)',
    categories: ['social', 'sports'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://www.strava.com/oauth/mobile/authorize',
      authorizationParams: {
        response_type: 'code',
        approval_prompt: 'auto',
      },
      refreshParams: {
        grant_type: 'refresh_token',
      },
      tokenUrl: 'https://www.strava.com/api/v3/oauth/token',
      tokenParams: {
        grant_type: 'authorization_code',
      },
      scopeSeparator: ',',
    },
    api: {
      baseUrl: 'https://www.strava.com',
    },
  },
  {
    name: 'tiktok-ads',
    displayName: 'TikTok Ads',
    categories: ['social'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://business-api.tiktok.com/portal/auth',
      tokenUrl: 'https://business-api.tiktok.com/open_api/v1.3/oauth2/access_token/',
      tokenParams: {
        grant_type: 'authorization_code',
      },
    },
    api: {
      baseUrl: 'https://business-api.tiktok.com/open_api/v1.3/',
      headers: {
        'access-token': '${accessToken}',
      },
    },
  },
  {
    name: 'tiktok-accounts',
    displayName: 'TikTok Accounts',
    categories: ['social'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://www.tiktok.com/v2/auth/authorize/',
      refreshUrl: 'https://business-api.tiktok.com/open_api/v1.3/tt_user/oauth2/refresh_token/',
      authorizationParams: {
        response_type: 'code',
      },
      refreshParams: {
        grant_type: 'refresh_token',
      },
      tokenUrl: 'https://business-api.tiktok.com/open_api/v1.3/tt_user/oauth2/token/',
      tokenParams: {
        grant_type: 'authorization_code',
      },
      scopeSeparator: ',',
    },
    api: {
      baseUrl: 'https://business-api.tiktok.com/open_api/v1.3/',
    },
  },
];
