import type { ProviderDefinitionInput } from '../../../sdk/contract/provider-definition.js';

export const communicationProviders: ProviderDefinitionInput[] = [
  {
    name: 'google',
    displayName: 'Google',
    categories: ['communication', 'dev-tools', 'productivity', 'social'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
      authorizationParams: {
        response_type: 'code',
        access_type: 'offline',
        prompt: 'consent',
      },
      tokenUrl: 'https://oauth2.googleapis.com/token',
    },
    api: {
      baseUrl: 'https://www.googleapis.com',
      pagination: {
        type: 'cursor',
        cursorPathInResponse: 'nextPageToken',
        cursorNameInRequest: 'pageToken',
        limitNameInRequest: 'maxSize',
        responsePath: 'items',
      },
    },
  },
  {
    name: 'microsoft',
    displayName: 'Microsoft',
    categories: ['communication', 'dev-tools', 'productivity'],
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
  {
    name: 'outlook',
    displayName: 'Outlook',
    categories: ['communication', 'popular'],
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
  {
    name: 'gong',
    displayName: 'Gong (Basic Auth)',
    docs: 'https://help.gong.io/docs/receive-access-to-the-api',
    categories: ['communication', 'marketing', 'productivity', 'video'],
    auth: {
      mode: 'BASIC',
      username: {
        title: 'Username',
        pattern: '^[a-zA-Z0-9-]+$',
      },
      password: {
        title: 'Password',
        defaultValue: '',
      },
    },
    api: {
      baseUrl: 'https://api.gong.io',
      rateLimit: {
        retryAfterHeaders: ['retry-after'],
      },
    },
  },
  {
    name: 'fathom',
    displayName: 'Fathom',
    docs: 'https://developers.fathom.ai/sdks/authentication',
    categories: ['communication', 'video'],
    auth: {
      mode: 'API_KEY',
      apiKey: {
        title: 'API Key',
        secret: true,
      },
    },
    api: {
      baseUrl: 'https://api.fathom.ai',
      headers: {
        'x-api-key': '${apiKey}',
      },
      verification: {
        path: '/external/v1/teams',
        headers: {
          'content-type': 'application/json',
        },
      },
    },
  },
  {
    name: 'dialpad',
    displayName: 'Dialpad',
    categories: ['communication'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://dialpad.com/oauth2/authorize',
      authorizationParams: {
        response_type: 'code',
      },
      refreshParams: {
        grant_type: 'refresh_token',
      },
      tokenUrl: 'https://dialpad.com/oauth2/token',
      tokenParams: {
        grant_type: 'authorization_code',
      },
    },
    api: {
      baseUrl: 'https://dialpad.com',
    },
  },
  {
    name: 'webex',
    displayName: 'Webex',
    categories: ['communication'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://webexapis.com/v1/authorize',
      authorizationParams: {
        response_type: 'code',
      },
      refreshParams: {
        grant_type: 'refresh_token',
      },
      tokenUrl: 'https://webexapis.com/v1/access_token',
      tokenParams: {
        grant_type: 'authorization_code',
      },
      scopeSeparator: ' ',
    },
    api: {
      baseUrl: 'https://webexapis.com',
      rateLimit: {
        retryAfterHeaders: ['retry-after'],
      },
    },
  },
  {
    name: 'braze',
    displayName: 'Braze',
    docs: 'https://www.braze.com/docs/api/basics/#rest-api-key',
    categories: ['communication'],
    auth: {
      mode: 'API_KEY',
      apiKey: {
        title: 'API Key',
        secret: true,
      },
    },
    connectionConfig: {
      instanceUrl: {
        hosts: ['*.braze.com', '*.braze.eu'],
        title: 'Instance URL',
        prefix: 'https://rest.',
      },
    },
    api: {
      baseUrl: 'https://rest.${connectionConfig.instanceUrl}',
      headers: {
        authorization: 'Bearer ${apiKey}',
      },
      rateLimit: {
        resetHeaders: ['x-ratelimit-reset'],
      },
    },
  },
  {
    name: 'resend',
    displayName: 'Resend',
    docs: 'https://resend.com/docs/dashboard/api-keys/introduction',
    categories: ['communication'],
    auth: {
      mode: 'API_KEY',
      apiKey: {
        title: 'API Key',
        pattern: '^re_[A-Za-z0-9_]+$',
        secret: true,
      },
    },
    api: {
      baseUrl: 'https://api.resend.com',
      headers: {
        authorization: 'Bearer ${apiKey}',
      },
      verification: {
        path: '/domains?limit=1',
      },
      rateLimit: {
        retryAfterHeaders: ['retry-after'],
      },
    },
  },
];
