import type { ProviderDefinitionInput } from '../../../sdk/contract/provider-definition.js';

export const supportProviders: ProviderDefinitionInput[] = [
  {
    name: 'zendesk',
    displayName: 'Zendesk',
    categories: ['popular', 'support', 'ticketing'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://${connectionConfig.subdomain}.zendesk.com/oauth/authorizations/new',
      refreshParams: {
        grant_type: 'refresh_token',
        expires_in: '1800',
      },
      tokenUrl: 'https://${connectionConfig.subdomain}.zendesk.com/oauth/tokens',
      tokenParams: {
        grant_type: 'authorization_code',
        expires_in: '1800',
      },
    },
    connectionConfig: {
      subdomain: {
        title: 'Subdomain',
        pattern: '^[a-z0-9_-]+$',
        prefix: 'https://',
        suffix: '.zendesk.com',
      },
    },
    api: {
      baseUrl: 'https://${connectionConfig.subdomain}.zendesk.com',
      pagination: {
        type: 'link',
        linkPathInResponseBody: 'next_page',
        limitNameInRequest: 'per_page',
      },
      rateLimit: {
        retryAfterHeaders: ['retry-after'],
      },
    },
    webhooks: {
      signature: {
        algorithm: 'hmac-sha256',
        header: 'x-zendesk-webhook-signature',
        encoding: 'base64',
        signedPayload: '{timestamp}{body}',
        timestampHeader: 'x-zendesk-webhook-signature-timestamp',
      },
    },
  },
  {
    name: 'freshdesk',
    displayName: 'FreshDesk',
    docs: 'https://developers.freshdesk.com/api/#authentication',
    categories: ['support'],
    auth: {
      mode: 'BASIC',
      username: {
        title: 'Username',
        secret: true,
      },
      password: {
        title: 'Password',
        hidden: true,
        defaultValue: 'X',
      },
    },
    connectionConfig: {
      subdomain: {
        title: 'Subdomain',
        pattern: '^[a-z0-9_-]+$',
        prefix: 'https://',
        suffix: '.freshdesk.com',
      },
    },
    api: {
      baseUrl: 'https://${connectionConfig.subdomain}.freshdesk.com',
      verification: {
        path: '/api/v2/settings/helpdesk',
        headers: {
          'content-type': 'application/json',
        },
      },
    },
  },
  {
    name: 'freshservice',
    displayName: 'Freshservice',
    docs: 'https://api.freshservice.com/#authentication',
    categories: ['support'],
    auth: {
      mode: 'BASIC',
      username: {
        title: 'Username',
        secret: true,
      },
      password: {
        title: 'Password',
        hidden: true,
        defaultValue: 'X',
      },
    },
    connectionConfig: {
      subdomain: {
        title: 'Subdomain',
        pattern: '^[a-z0-9_-]+$',
        prefix: 'https://',
        suffix: '.freshservice.com',
      },
    },
    api: {
      baseUrl: 'https://${connectionConfig.subdomain}.freshservice.com',
      verification: {
        path: '/api/v2/tickets',
        headers: {
          'content-type': 'application/json',
        },
      },
      rateLimit: {
        retryAfterHeaders: ['retry-after'],
      },
    },
  },
  {
    name: 'front',
    displayName: 'Front',
    categories: ['support', 'ticketing'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://app.frontapp.com/oauth/authorize',
      tokenUrl: 'https://app.frontapp.com/oauth/token',
    },
    api: {
      baseUrl: 'https://api2.frontapp.com',
      pagination: {
        type: 'link',
        linkPathInResponseBody: '_pagination.next',
        responsePath: '_results',
      },
      rateLimit: {
        retryAfterHeaders: ['retry-after'],
      },
    },
  },
  {
    name: 'aircall',
    displayName: 'Aircall (OAuth)',
    categories: ['support'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://dashboard.aircall.io/oauth/authorize',
      authorizationParams: {
        response_type: 'code',
        scope: 'public_api',
      },
      tokenUrl: 'https://api.aircall.io/v1/oauth/token',
      tokenParams: {
        grant_type: 'authorization_code',
      },
    },
    api: {
      baseUrl: 'https://api.aircall.io',
      pagination: {
        type: 'link',
        linkPathInResponseBody: 'meta.next_page_link',
        responsePath: 'results',
      },
      rateLimit: {
        resetHeaders: ['x-aircallapi-reset'],
      },
    },
  },
  {
    name: 'canny',
    displayName: 'Canny',
    docs: 'https://developers.canny.io/api-reference#authentication',
    categories: ['support'],
    auth: {
      mode: 'API_KEY',
      apiKey: {
        title: 'API Key',
        pattern: '^[a-zA-Z0-9-]+$',
        secret: true,
      },
    },
    api: {
      baseUrl: 'https://canny.io/api/v1',
      query: {
        apiKey: '${apiKey}',
      },
      verification: {
        path: '/boards/list',
        method: 'POST',
        headers: {
          'content-type': 'application/json',
        },
      },
    },
  },
];
