import type { ProviderDefinitionInput } from '../../../sdk/contract/provider-definition.js';

export const hrProviders: ProviderDefinitionInput[] = [
  {
    name: 'workday',
    displayName: 'Workday',
    categories: ['hr', 'popular'],
    auth: {
      mode: 'BASIC',
      username: {
        title: 'Username',
        pattern: '^[^@]+@[^@]+$',
      },
      password: {
        title: 'Password',
      },
    },
    connectionConfig: {
      hostname: {
        hosts: ['*.workday.com', '*.myworkday.com'],
        title: 'Hostname',
        prefix: 'https://',
      },
      tenant: {
        title: 'Tenant',
      },
    },
    api: {
      baseUrl: 'https://${connectionConfig.hostname}/ccx/service/${connectionConfig.tenant}',
    },
  },
  {
    name: 'bamboohr',
    displayName: 'BambooHR (OAuth)',
    categories: ['hr'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://${connectionConfig.subdomain}.bamboohr.com/authorize.php',
      authorizationParams: {
        response_type: 'code',
        request: 'authorize',
      },
      refreshParams: {
        grant_type: 'refresh_token',
        request: 'token',
      },
      tokenUrl: 'https://${connectionConfig.subdomain}.bamboohr.com/token.php',
      tokenParams: {
        grant_type: 'authorization_code',
        request: 'token',
      },
    },
    connectionConfig: {
      subdomain: {
        title: 'Subdomain',
        pattern: '^[a-z0-9_-]+$',
        prefix: 'https://',
        suffix: '.bamboohr.com',
      },
    },
    api: {
      baseUrl: 'https://api.bamboohr.com/api/gateway.php/${connectionConfig.subdomain}',
    },
  },
  {
    name: 'gusto',
    displayName: 'Gusto',
    categories: ['hr'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://api.gusto.com/oauth/authorize',
      authorizationParams: {
        response_type: 'code',
      },
      refreshParams: {
        grant_type: 'refresh_token',
      },
      tokenUrl: 'https://api.gusto.com/oauth/token',
      tokenParams: {
        grant_type: 'authorization_code',
      },
    },
    api: {
      baseUrl: 'https://api.gusto.com',
    },
  },
  {
    name: 'rippling',
    displayName: 'Rippling',
    categories: ['hr'],
    auth: {
      mode: 'API_KEY',
      apiKey: {
        title: 'API Key',
        secret: true,
      },
    },
    api: {
      baseUrl: 'https://rest.ripplingapis.com',
      headers: {
        authorization: 'Bearer ${apiKey}',
        'user-agent': 'Node.js/20.12.2 (linux; x64)',
      },
    },
  },
  {
    name: 'personio',
    displayName: 'Personio (v1)',
    categories: ['hr'],
    auth: {
      mode: 'OAUTH2_CC',
      tokenUrl: 'https://api.personio.de/v1/auth',
      tokenBodyFormat: 'json',
    },
    connectionConfig: {
      partnerId: {
        title: 'Partner ID',
      },
      appId: {
        title: 'App ID',
      },
    },
    api: {
      baseUrl: 'https://api.personio.de/v1',
      headers: {
        'x-personio-partner-id': '${connectionConfig.partnerId}',
        'x-personio-app-id': '${connectionConfig.appId}',
      },
    },
  },
  {
    name: 'deel',
    displayName: 'Deel',
    categories: ['hr'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://app.deel.com/oauth2/authorize',
      authorizationParams: {
        response_type: 'code',
      },
      refreshParams: {
        grant_type: 'refresh_token',
      },
      tokenUrl: 'https://app.deel.com/oauth2/tokens',
      tokenParams: {
        grant_type: 'authorization_code',
      },
      clientAuth: 'basic',
    },
    api: {
      baseUrl: 'https://api.letsdeel.com',
    },
  },
  {
    name: 'lattice',
    displayName: 'Lattice',
    docs: 'https://help.lattice.com/hc/en-us/articles/360059449534-Lattice-s-Public-API',
    categories: ['hr'],
    auth: {
      mode: 'API_KEY',
      apiKey: {
        title: 'API Key',
        secret: true,
      },
    },
    api: {
      baseUrl: 'https://api.latticehq.com/',
      headers: {
        authorization: 'Bearer ${apiKey}',
        accept: 'application/json',
        'content-type': 'application/json',
      },
      rateLimit: {
        retryAfterHeaders: ['retry-after'],
      },
    },
  },
];
