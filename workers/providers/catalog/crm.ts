import type { ProviderDefinitionInput } from '../../../sdk/contract/provider-definition.js';

export const crmProviders: ProviderDefinitionInput[] = [
  {
    name: 'salesforce',
    displayName: 'Salesforce',
    categories: ['crm', 'popular'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl:
        'https://${connectionConfig.hostname}/services/oauth2/authorize || https://login.salesforce.com/services/oauth2/authorize',
      authorizationParams: {
        prompt: 'consent',
      },
      tokenUrl:
        'https://${connectionConfig.hostname}/services/oauth2/token || https://login.salesforce.com/services/oauth2/token',
      defaultScopes: ['offline_access'],
      tokenResponseMetadata: ['instance_url'],
    },
    connectionConfig: {
      instance_url: {
        hosts: ['*.salesforce.com', '*.force.com'],
        title: 'Instance URL',
        pattern: '^https?://.*$',
        automated: true,
      },
      hostname: {
        hosts: ['*.salesforce.com', '*.force.com'],
        title: 'Hostname',
        pattern:
          '^(?!(?:.*\\.)?[Ll][Ii][Gg][Hh][Tt][Nn][Ii][Nn][Gg]\\.([Ff][Oo][Rr][Cc][Ee]|[Ss][Aa][Ll][Ee][Ss][Ff][Oo][Rr][Cc][Ee])\\.[Cc][Oo][Mm]$)[a-zA-Z0-9]([a-zA-Z0-9\\-]{0,61}[a-zA-Z0-9])?(\\.[a-zA-Z0-9]([a-zA-Z0-9\\-]{0,61}[a-zA-Z0-9])?)*$',
        prefix: 'https://',
        optional: true,
      },
    },
    api: {
      baseUrl: '${connectionConfig.instance_url}',
    },
  },
  {
    name: 'pipedrive',
    displayName: 'Pipedrive',
    categories: ['crm'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://oauth.pipedrive.com/oauth/authorize',
      pkce: false,
      tokenUrl: 'https://oauth.pipedrive.com/oauth/token',
      clientAuth: 'basic',
      tokenResponseMetadata: ['api_domain'],
    },
    connectionConfig: {
      api_domain: {
        hosts: ['*.pipedrive.com'],
        title: 'API Domain',
        automated: true,
      },
    },
    api: {
      baseUrl: '${connectionConfig.api_domain}/api',
      decompress: true,
      pagination: {
        type: 'offset',
        offsetNameInRequest: 'start',
        limitNameInRequest: 'limit',
        responsePath: 'data',
      },
    },
  },
  {
    name: 'zoho-crm',
    displayName: 'Zoho CRM',
    categories: ['crm'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl:
        'https://accounts.zoho.${connectionConfig.extension}/oauth/v2/auth || https://accounts.zoho.com/oauth/v2/auth',
      authorizationParams: {
        prompt: 'consent',
        access_type: 'offline',
      },
      tokenUrl:
        'https://accounts.zoho.${connectionConfig.extension}/oauth/v2/token || ${connectionConfig.accounts-server}/oauth/v2/token',
      tokenResponseMetadata: ['api_domain'],
      callbackMetadata: ['accounts-server'],
    },
    connectionConfig: {
      extension: {
        title: 'Extension',
        optional: true,
        enum: ['com', 'eu', 'in', 'com.au', 'com.cn', 'jp'],
        enumLabels: {
          com: 'United States (zoho.com)',
          eu: 'Europe (zoho.eu)',
          in: 'India (zoho.in)',
          'com.au': 'Australia (zoho.com.au)',
          'com.cn': 'China (zoho.com.cn)',
          jp: 'Japan (zoho.jp)',
        },
      },
      'accounts-server': {
        title: 'Accounts Server',
        automated: true,
        optional: true,
        hosts: [
          'accounts.zoho.com',
          'accounts.zoho.eu',
          'accounts.zoho.in',
          'accounts.zoho.com.au',
          'accounts.zoho.com.cn',
          'accounts.zoho.jp',
          'accounts.zoho.sa',
          'accounts.zoho.uk',
          'accounts.zohocloud.ca',
        ],
      },
      api_domain: {
        title: 'API Domain',
        automated: true,
        optional: true,
        hosts: [
          '*.zohoapis.com',
          '*.zohoapis.eu',
          '*.zohoapis.in',
          '*.zohoapis.com.au',
          '*.zohoapis.com.cn',
          '*.zohoapis.jp',
          '*.zohoapis.ca',
          '*.zohoapis.sa',
          '*.zohoapis.uk',
        ],
      },
    },
    api: {
      baseUrl: 'https://www.zohoapis.${connectionConfig.extension} || ${connectionConfig.api_domain}',
      pagination: {
        type: 'offset',
        offsetNameInRequest: 'page',
        limitNameInRequest: 'per_page',
        responsePath: 'data',
      },
    },
  },
  {
    name: 'kustomer',
    displayName: 'Kustomer',
    docs: 'https://developer.kustomer.com/docs/get-started/authentication',
    categories: ['crm'],
    auth: {
      mode: 'API_KEY',
      apiKey: {
        title: 'API Key',
        secret: true,
      },
    },
    connectionConfig: {
      extension: {
        title: 'Extension',
        pattern: '^[a-z0-9_-]+$',
        prefix: 'https://',
        suffix: '.kustomerapp.com',
      },
    },
    api: {
      baseUrl: 'https://${connectionConfig.extension}.kustomerapp.com',
      headers: {
        authorization: 'Bearer ${apiKey}',
      },
      rateLimit: {
        retryAfterHeaders: ['x-ratelimit-reset'],
      },
    },
  },
  {
    name: 'close',
    displayName: 'Close',
    categories: ['crm'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://app.close.com/oauth2/authorize',
      authorizationParams: {
        response_type: 'code',
      },
      tokenUrl: 'https://api.close.com/oauth2/token/',
      defaultScopes: ['offline_access'],
    },
    api: {
      baseUrl: 'https://api.close.com/api',
    },
  },
  {
    name: 'copper',
    displayName: 'Copper (OAuth)',
    categories: ['crm'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://app.copper.com/oauth/authorize',
      authorizationParams: {
        response_type: 'code',
      },
      refreshParams: {
        grant_type: 'refresh_token',
      },
      tokenUrl: 'https://app.copper.com/oauth/token',
      tokenParams: {
        grant_type: 'authorization_code',
      },
      defaultScopes: ['developer/v1/all'],
    },
    api: {
      baseUrl: 'https://api.copper.com/developer_api',
    },
  },
  {
    name: 'attio',
    displayName: 'Attio',
    categories: ['crm', 'popular'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://app.attio.com/authorize',
      refreshParams: {
        grant_type: 'refresh_token',
      },
      tokenUrl: 'https://app.attio.com/oauth/token',
      tokenParams: {
        grant_type: 'authorization_code',
      },
    },
    api: {
      baseUrl: 'https://api.attio.com',
      rateLimit: {
        retryAfterHeaders: ['retry-after'],
      },
    },
    webhooks: {
      signature: {
        algorithm: 'hmac-sha256',
        header: 'attio-signature',
        encoding: 'hex',
      },
      eventTypePath: 'events.0.event_type',
    },
  },
  {
    name: 'affinity',
    displayName: 'Affinity (v1)',
    docs: 'https://api-docs.affinity.co/#authentication',
    categories: ['crm'],
    auth: {
      mode: 'BASIC',
      username: {
        title: 'Username',
        hidden: true,
        defaultValue: '',
      },
      password: {
        title: 'Password',
        pattern: '^[A-Za-z0-9_-]+$',
      },
    },
    api: {
      baseUrl: 'https://api.affinity.co',
      verification: {
        path: '/auth/whoami',
      },
      rateLimit: {
        resetHeaders: ['x-ratelimit-limit-user', 'x-ratelimit-limit-org-reset'],
      },
    },
  },
  {
    name: 'zendesk-sell',
    displayName: 'Zendesk Sell',
    categories: ['crm'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://api.getbase.com/oauth2/authorize',
      authorizationParams: {
        response_type: 'code',
      },
      refreshParams: {
        grant_type: 'refresh_token',
      },
      tokenUrl: 'https://api.getbase.com/oauth2/token',
      tokenParams: {
        grant_type: 'authorization_code',
      },
      clientAuth: 'basic',
    },
    api: {
      baseUrl: 'https://api.getbase.com',
    },
  },
  {
    name: 'freshsales',
    displayName: 'Freshsales',
    docs: 'https://developers.freshworks.com/crm/api/#authentication',
    categories: ['crm'],
    auth: {
      mode: 'API_KEY',
      apiKey: {
        title: 'API Key',
        pattern: '[A-Za-z0-9_-]+',
        secret: true,
      },
    },
    connectionConfig: {
      bundleAlias: {
        hosts: ['*.myfreshworks.com', '*.freshsales.io'],
        title: 'Bundle Alias',
        prefix: 'https://',
      },
      subdomain: {
        title: 'Subdomain',
        hidden: true,
        defaultValue: '',
      },
    },
    api: {
      baseUrl: 'https://${connectionConfig.bundleAlias} || https://${connectionConfig.subdomain}.freshsales.io',
      headers: {
        authorization: 'Token token=${apiKey}',
      },
      verification: {
        path: '/api/settings/leads/fields',
        headers: {
          'content-type': 'application/json',
        },
      },
      rateLimit: {
        retryAfterHeaders: ['retry-after'],
      },
    },
  },
];
