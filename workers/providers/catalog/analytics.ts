import type { ProviderDefinitionInput } from '../../../sdk/contract/provider-definition.js';

export const analyticsProviders: ProviderDefinitionInput[] = [
  {
    name: 'datadog',
    displayName: 'Datadog',
    docs: 'https://docs.datadoghq.com/account_management/api-app-keys/',
    categories: ['analytics', 'dev-tools'],
    auth: {
      mode: 'API_KEY',
      apiKey: {
        title: 'API Key',
        pattern: '^[a-f0-9]{32}$',
        secret: true,
      },
    },
    connectionConfig: {
      siteParameter: {
        title: 'Site Parameter',
        enum: [
          'datadoghq.com',
          'us3.datadoghq.com',
          'us5.datadoghq.com',
          'datadoghq.eu',
          'ddog-gov.com',
          'ap1.datadoghq.com',
        ],
        enumLabels: {
          'datadoghq.com': 'US1 (datadoghq.com)',
          'us3.datadoghq.com': 'US3',
          'us5.datadoghq.com': 'US5',
          'datadoghq.eu': 'EU1 (datadoghq.eu)',
          'ddog-gov.com': 'US1-FED (ddog-gov.com)',
          'ap1.datadoghq.com': 'AP1 (Japan)',
        },
      },
      applicationKey: {
        title: 'Application Key',
        pattern: '^[A-Za-z0-9_]+$',
      },
    },
    api: {
      baseUrl: 'https://api.${connectionConfig.siteParameter}/api',
      headers: {
        'dd-api-key': '${apiKey}',
        'dd-application-key': '${connectionConfig.applicationKey}',
      },
      verification: {
        path: '/v1/validate',
        headers: {
          'content-type': 'application/json',
        },
      },
      rateLimit: {
        retryAfterHeaders: ['x-ratelimit-reset'],
      },
    },
  },
  {
    name: 'segment',
    displayName: 'Segment',
    categories: ['analytics', 'marketing'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://id.segmentapis.com/oauth2/auth',
      tokenUrl: 'https://id.segmentapis.com/oauth2/token',
      clientAuth: 'basic',
    },
    api: {
      baseUrl: 'https://api.segment.io',
    },
  },
  {
    name: 'mixpanel',
    displayName: 'Mixpanel',
    docs: 'https://docs.mixpanel.com/docs/orgs-and-projects/service-accounts',
    categories: ['analytics'],
    auth: {
      mode: 'BASIC',
      username: {
        title: 'Username',
      },
      password: {
        title: 'Password',
      },
    },
    api: {
      baseUrl: 'https://mixpanel.com',
    },
  },
  {
    name: 'amplitude',
    displayName: 'Amplitude (Event Streaming API)',
    docs: 'https://amplitude.com/docs/apis/keys-and-tokens',
    categories: ['analytics'],
    auth: {
      mode: 'BASIC',
      username: {
        title: 'Username',
        pattern: '^[a-f0-9]{32}$',
      },
      password: {
        title: 'Password',
      },
    },
    connectionConfig: {
      hostname: {
        title: 'Hostname',
        optional: true,
        enum: ['amplitude.com', 'analytics.eu.amplitude.com'],
        enumLabels: { 'amplitude.com': 'United States', 'analytics.eu.amplitude.com': 'European Union' },
      },
    },
    api: {
      baseUrl: 'https://${connectionConfig.hostname} || https://amplitude.com',
      verification: {
        path: '/api/2/events/list',
        headers: {
          'content-type': 'application/json',
        },
      },
    },
  },
  {
    name: 'chorus',
    displayName: 'Chorus',
    docs: 'https://api-docs.chorus.ai/',
    categories: ['analytics'],
    auth: {
      mode: 'API_KEY',
      apiKey: {
        title: 'API Key',
        secret: true,
      },
    },
    api: {
      baseUrl: 'https://chorus.ai',
      headers: {
        authorization: 'Bearer ${apiKey}',
      },
      verification: {
        path: '/api/v1/users/me',
        headers: {
          'content-type': 'application/json',
        },
      },
    },
  },
  {
    name: 'wakatime',
    displayName: 'Wakatime',
    categories: ['analytics', 'dev-tools'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://wakatime.com/oauth/authorize',
      tokenUrl: 'https://wakatime.com/oauth/token',
    },
    api: {
      baseUrl: 'https://wakatime.com',
    },
  },
  {
    name: 'fireflies',
    displayName: 'Fireflies',
    docs: 'https://docs.fireflies.ai/fundamentals/authorization',
    categories: ['analytics', 'communication', 'productivity'],
    auth: {
      mode: 'API_KEY',
      apiKey: {
        title: 'API Key',
        secret: true,
      },
    },
    api: {
      baseUrl: 'https://api.fireflies.ai',
      headers: {
        authorization: 'Bearer ${apiKey}',
      },
      verification: {
        path: '/graphql?query=%7B__schema%7Btypes%7Bname%7D%7D%7D',
        headers: {
          'content-type': 'application/json',
        },
      },
    },
  },
];
