import type { ProviderDefinitionInput } from '../../../sdk/contract/provider-definition.js';

export const atsProviders: ProviderDefinitionInput[] = [
  {
    name: 'linkedin',
    displayName: 'LinkedIn',
    categories: ['ats', 'social'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://www.linkedin.com/oauth/v2/authorization',
      pkce: false,
      tokenUrl: 'https://www.linkedin.com/oauth/v2/accessToken',
    },
    api: {
      baseUrl: 'https://api.linkedin.com',
    },
  },
  {
    name: 'greenhouse',
    displayName: 'Greenhouse (OAuth)',
    categories: ['ats'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://api.greenhouse.io/oauth/authorize',
      tokenUrl: 'https://api.greenhouse.io/oauth/token',
    },
    connectionConfig: {
      resource: {
        title: 'Resource',
        pattern: '^[a-z0-9_-]+$',
        prefix: 'https://',
        suffix: '.greenhouse.io',
      },
    },
    api: {
      baseUrl: 'https://${connectionConfig.resource}.greenhouse.io',
      pagination: {
        type: 'link',
        linkRelInResponseHeader: 'next',
        limitNameInRequest: 'per_page',
      },
      rateLimit: {
        retryAfterHeaders: ['retry-after'],
      },
    },
  },
  {
    name: 'lever',
    displayName: 'Lever (OAuth)',
    categories: ['ats'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://auth.lever.co/authorize',
      authorizationParams: {
        response_type: 'code',
        audience: 'https://api.lever.co/v1/',
      },
      tokenUrl: 'https://auth.lever.co/oauth/token',
    },
    api: {
      baseUrl: 'https://api.lever.co',
    },
  },
  {
    name: 'ashby',
    displayName: 'Ashby',
    docs: 'https://developers.ashbyhq.com/reference/authentication',
    categories: ['ats', 'popular'],
    auth: {
      mode: 'BASIC',
      username: {
        title: 'Username',
      },
      password: {
        title: 'Password',
        hidden: true,
        defaultValue: '',
      },
    },
    api: {
      baseUrl: 'https://api.ashbyhq.com',
      verification: {
        path: 'apiKey.info',
        method: 'POST',
        headers: {
          'content-type': 'application/json',
        },
      },
    },
  },
  {
    name: 'workable',
    displayName: 'Workable (API Key)',
    docs: 'https://workable.readme.io/reference/generate-an-access-token',
    categories: ['ats'],
    auth: {
      mode: 'API_KEY',
      apiKey: {
        title: 'API Key',
        secret: true,
      },
    },
    connectionConfig: {
      subdomain: {
        title: 'Subdomain',
        pattern: '^[a-z0-9_-]+$',
        prefix: 'https://',
        suffix: '.workable.com',
        optional: true,
      },
    },
    api: {
      baseUrl: 'https://${connectionConfig.subdomain}.workable.com',
      headers: {
        authorization: 'Bearer ${apiKey}',
      },
      rateLimit: {
        resetHeaders: ['x-rate-limit-reset'],
      },
    },
  },
];
