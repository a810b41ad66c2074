import type { ProviderDefinitionInput } from '../../../sdk/contract/provider-definition.js';

export const devToolsProviders: ProviderDefinitionInput[] = [
  {
    name: 'github',
    displayName: 'GitHub (User OAuth)',
    categories: ['dev-tools', 'support', 'ticketing'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://github.com/login/oauth/authorize',
      tokenUrl: 'https://github.com/login/oauth/access_token',
    },
    api: {
      baseUrl: 'https://api.github.com',
      pagination: {
        type: 'link',
        linkRelInResponseHeader: 'next',
        limitNameInRequest: 'per_page',
      },
      rateLimit: {
        remainingHeader: 'x-ratelimit-remaining',
        resetHeaders: ['x-ratelimit-reset'],
        retryOn: [403, 401, 429],
      },
    },
    webhooks: {
      signature: {
        algorithm: 'hmac-sha256',
        header: 'x-hub-signature-256',
        encoding: 'hex',
        prefix: 'sha256=',
      },
      eventTypePath: 'header:x-github-event',
    },
  },
  {
    name: 'github-app',
    displayName: 'GitHub (App)',
    categories: ['dev-tools', 'popular', 'ticketing'],
    auth: {
      mode: 'APP',
      installUrl: '${connectionConfig.appPublicLink}/installations/new',
      tokenUrl: 'https://api.github.com/app/installations/${connectionConfig.installation_id}/access_tokens',
    },
    connectionConfig: {
      appPublicLink: {
        hosts: ['github.com'],
        title: 'App Public Link',
        pattern: '^https?://.*$',
        automated: true,
      },
      installation_id: {
        title: 'Installation ID',
        automated: true,
      },
    },
    api: {
      baseUrl: 'https://api.github.com',
      pagination: {
        type: 'link',
        linkRelInResponseHeader: 'next',
        limitNameInRequest: 'per_page',
      },
      rateLimit: {
        remainingHeader: 'x-ratelimit-remaining',
        resetHeaders: ['x-ratelimit-reset'],
        retryOn: [403, 401, 429],
      },
    },
    webhooks: {
      signature: {
        algorithm: 'hmac-sha256',
        header: 'x-hub-signature-256',
        encoding: 'hex',
        prefix: 'sha256=',
      },
      // An app's events carry the installation they concern.
      connectionLookup: { payloadPath: 'installation.id', connectionConfigField: 'installation_id' },
      eventTypePath: 'header:x-github-event',
    },
  },
  {
    name: 'gitlab',
    displayName: 'GitLab',
    categories: ['dev-tools', 'ticketing'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://gitlab.com/oauth/authorize',
      authorizationParams: {
        response_type: 'code',
      },
      tokenUrl: 'https://gitlab.com/oauth/token',
    },
    api: {
      baseUrl: 'https://gitlab.com',
    },
  },
  {
    name: 'bitbucket',
    displayName: 'Bitbucket',
    categories: ['dev-tools'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://bitbucket.org/site/oauth2/authorize',
      tokenUrl: 'https://bitbucket.org/site/oauth2/access_token',
    },
    api: {
      baseUrl: 'https://api.bitbucket.org',
    },
    webhooks: {
      signature: {
        algorithm: 'hmac-sha256',
        header: 'x-hub-signature',
        encoding: 'hex',
        prefix: 'sha256=',
      },
    },
  },
  {
    name: 'twilio',
    displayName: 'Twilio',
    docs: 'https://www.twilio.com/docs/iam/api-keys',
    categories: ['dev-tools', 'communication'],
    auth: {
      mode: 'BASIC',
      username: {
        title: 'Username',
        pattern: '^AC[a-zA-Z0-9]{32}$',
      },
      password: {
        title: 'Password',
        secret: true,
      },
    },
    api: {
      baseUrl: 'https://api.twilio.com',
      verification: {
        path: '/2010-04-01/Accounts/${credentials.username}/Messages.json',
        headers: {
          'content-type': 'application/json',
        },
      },
    },
  },
  {
    name: 'pagerduty',
    displayName: 'PagerDuty',
    categories: ['dev-tools'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://app.pagerduty.com/oauth/authorize',
      tokenUrl: 'https://app.pagerduty.com/oauth/token',
    },
    api: {
      baseUrl: 'https://api.pagerduty.com',
      rateLimit: {
        retryAfterHeaders: ['ratelimit-reset'],
      },
    },
    webhooks: {
      signature: {
        algorithm: 'hmac-sha256',
        header: 'x-pagerduty-signature',
        encoding: 'hex',
        prefix: 'v1=',
      },
    },
  },
  {
    name: 'sentry',
    displayName: 'Sentry',
    docs: 'https://docs.sentry.io/api/auth/',
    categories: ['dev-tools', 'analytics'],
    auth: {
      mode: 'API_KEY',
      apiKey: {
        title: 'API Key',
        pattern: '^sntryu_[a-f0-9]{64}$',
        secret: true,
      },
    },
    connectionConfig: {
      hostname: {
        title: 'Hostname',
        enum: ['sentry.io', 'us.sentry.io', 'eu.sentry.io', 'de.sentry.io'],
        enumLabels: {
          'sentry.io': 'sentry.io (default)',
          'us.sentry.io': 'United States (us.sentry.io)',
          'eu.sentry.io': 'European Union (eu.sentry.io)',
          'de.sentry.io': 'Germany (de.sentry.io)',
        },
      },
    },
    api: {
      baseUrl: 'https://${connectionConfig.hostname}/api',
      headers: {
        authorization: 'Bearer ${apiKey}',
      },
    },
    webhooks: {
      signature: {
        algorithm: 'hmac-sha256',
        header: 'sentry-hook-signature',
        encoding: 'hex',
      },
    },
  },
  {
    name: 'vercel',
    displayName: 'Vercel',
    docs: 'https://vercel.com/docs/rest-api',
    categories: ['dev-tools'],
    auth: {
      mode: 'API_KEY',
      apiKey: {
        title: 'API Key',
        pattern: '^vcp_[A-Za-z0-9]+$',
        secret: true,
      },
    },
    api: {
      baseUrl: 'https://api.vercel.com',
      headers: {
        authorization: 'Bearer ${apiKey}',
      },
      verification: {
        path: '/v2/user',
        headers: {
          'content-type': 'application/json',
        },
      },
    },
  },
  {
    name: 'digitalocean',
    displayName: 'DigitalOcean',
    categories: ['dev-tools'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://cloud.digitalocean.com/v1/oauth/authorize',
      authorizationParams: {
        response_type: 'code',
      },
      refreshParams: {
        grant_type: 'refresh_token',
      },
      tokenUrl: 'https://cloud.digitalocean.com/v1/oauth/token',
      tokenParams: {
        grant_type: 'authorization_code',
      },
    },
    api: {
      baseUrl: 'https://api.digitalocean.com',
    },
  },
  {
    name: 'cloudflare',
    displayName: 'Cloudflare',
    docs: 'https://developers.cloudflare.com/fundamentals/api/get-started/create-token/',
    categories: ['dev-tools'],
    auth: {
      mode: 'API_KEY',
      apiKey: {
        title: 'API Key',
        pattern: '^[a-zA-Z0-9_-]+$',
        secret: true,
      },
    },
    api: {
      baseUrl: 'https://api.cloudflare.com/client',
      headers: {
        authorization: 'Bearer ${apiKey}',
      },
      rateLimit: {
        retryAfterHeaders: ['retry-after'],
      },
    },
  },
  {
    name: 'okta',
    displayName: 'Okta',
    categories: ['dev-tools', 'iam'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://${connectionConfig.subdomain}.okta.com/oauth2/v1/authorize',
      authorizationParams: {
        response_type: 'code',
        response_mode: 'query',
      },
      refreshParams: {
        grant_type: 'refresh_token',
      },
      tokenUrl: 'https://${connectionConfig.subdomain}.okta.com/oauth2/v1/token',
      tokenParams: {
        grant_type: 'authorization_code',
      },
    },
    connectionConfig: {
      subdomain: {
        title: 'Subdomain',
        pattern: '^[a-z0-9_-]+$',
        prefix: 'https://',
        suffix: '.okta.com',
      },
    },
    api: {
      baseUrl: 'https://${connectionConfig.subdomain}.okta.com',
      pagination: {
        type: 'link',
        linkRelInResponseHeader: 'next',
        limitNameInRequest: 'limit',
      },
      rateLimit: {
        resetHeaders: ['x-rate-limit-reset'],
      },
    },
  },
  {
    name: 'posthog',
    displayName: 'PostHog',
    docs: 'https://posthog.com/docs/api',
    categories: ['dev-tools'],
    auth: {
      mode: 'API_KEY',
      apiKey: {
        title: 'API Key',
        pattern: '^phx_[A-Za-z0-9]+$',
        secret: true,
      },
    },
    connectionConfig: {
      subdomain: {
        title: 'Subdomain',
        enum: ['us', 'us.i', 'eu', 'eu.i'],
        enumLabels: {
          us: 'US Cloud (us.posthog.com)',
          'us.i': 'US Cloud, ingestion (us.i.posthog.com)',
          eu: 'EU Cloud (eu.posthog.com)',
          'eu.i': 'EU Cloud, ingestion (eu.i.posthog.com)',
        },
      },
    },
    api: {
      baseUrl: 'https://${connectionConfig.subdomain}.posthog.com',
      headers: {
        authorization: 'Bearer ${apiKey}',
      },
    },
  },
  {
    name: 'replicate',
    displayName: 'Replicate',
    docs: 'https://replicate.com/docs/reference/http#authentication',
    categories: ['dev-tools'],
    auth: {
      mode: 'API_KEY',
      apiKey: {
        title: 'API Key',
        secret: true,
      },
    },
    api: {
      baseUrl: 'https://api.replicate.com',
      headers: {
        authorization: 'Bearer ${apiKey}',
      },
      verification: {
        path: '/v1/account',
        headers: {
          'content-type': 'application/json',
        },
      },
    },
  },
  {
    name: 'supabase',
    displayName: 'Supabase',
    docs: 'https://supabase.com/docs/guides/api/api-keys',
    categories: ['dev-tools', 'storage'],
    auth: {
      mode: 'API_KEY',
      apiKey: {
        title: 'API Key',
        pattern: '^sb_secret_[A-Za-z0-9_]+$',
        secret: true,
      },
    },
    connectionConfig: {
      projectUrl: {
        hosts: ['*.supabase.co'],
        title: 'Project URL',
        prefix: 'https://',
      },
    },
    api: {
      baseUrl: 'https://${connectionConfig.projectUrl}',
      headers: {
        authorization: 'Bearer ${apiKey}',
        apikey: '${apiKey}',
      },
    },
  },
  {
    name: 'clerk',
    displayName: 'Clerk',
    docs: 'https://clerk.com/docs/reference/backend-api',
    categories: ['dev-tools', 'iam'],
    auth: {
      mode: 'API_KEY',
      apiKey: {
        title: 'API Key',
        pattern: '^sk_(test|live)_[a-zA-Z0-9]+$',
        secret: true,
      },
    },
    api: {
      baseUrl: 'https://api.clerk.com',
      headers: {
        authorization: 'Bearer ${apiKey}',
      },
      verification: {
        path: '/v1/jwks',
        headers: {
          'content-type': 'application/json',
        },
      },
    },
  },
  {
    name: 'contentful',
    displayName: 'Contentful',
    categories: ['dev-tools', 'design', 'cms'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://be.contentful.com/oauth/authorize',
      authorizationParams: {
        response_type: 'code',
      },
      refreshParams: {
        grant_type: 'refresh_token',
      },
      tokenUrl: 'https://be.contentful.com/oauth/token',
      tokenParams: {
        grant_type: 'authorization_code',
      },
    },
    connectionConfig: {
      subdomain: {
        title: 'Subdomain',
        pattern: '^[a-z0-9_-]+$',
        prefix: 'https://',
        suffix: '.contentful.com',
      },
    },
    api: {
      baseUrl: 'https://${connectionConfig.subdomain}.contentful.com',
      rateLimit: {
        retryAfterHeaders: ['x-contentful-ratelimit-reset'],
      },
    },
  },
  {
    name: 'webflow',
    displayName: 'Webflow',
    categories: ['dev-tools', 'design', 'cms'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://webflow.com/oauth/authorize',
      authorizationParams: {
        response_type: 'code',
      },
      tokenUrl: 'https://api.webflow.com/oauth/access_token',
      tokenParams: {
        grant_type: 'authorization_code',
      },
    },
    api: {
      baseUrl: 'https://api.webflow.com',
    },
  },
  {
    name: 'wordpress',
    displayName: 'WordPress',
    categories: ['dev-tools', 'design', 'cms'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://public-api.wordpress.com/oauth2/authorize',
      authorizationParams: {
        response_type: 'code',
      },
      tokenUrl: 'https://public-api.wordpress.com/oauth2/token',
      tokenParams: {
        grant_type: 'authorization_code',
      },
      scopeSeparator: ' ',
    },
    api: {
      baseUrl: 'https://public-api.wordpress.com/rest/v1',
    },
  },
  {
    name: 'ghost-admin',
    displayName: 'Ghost (Admin API)',
    categories: ['dev-tools', 'design', 'cms'],
    auth: {
      mode: 'JWT',
      algorithm: 'HS256',
      signingKey: '${credentials.privateKey.secret}',
      expiresInSeconds: 300,
      header: {
        kid: '${credentials.privateKey.id}',
      },
      claims: {
        aud: '/admin/',
      },
      credentials: {
        privateKey: {
          title: 'Private Key',
          pattern: '^[a-fA-F0-9]{24}:[a-fA-F0-9]{64}$',
        },
      },
    },
    connectionConfig: {
      adminDomain: {
        hosts: ['*.ghost.io'],
        title: 'Admin Domain',
        pattern: '^([a-z0-9_-]+\\.|)(ghost\\.io|[a-z0-9_-]+\\.[a-z]{2,})$',
      },
      version: {
        title: 'Version',
        pattern: '^v\\d+\\.\\d+$',
      },
    },
    api: {
      baseUrl: 'https://${connectionConfig.adminDomain}/ghost/api/admin/',
      headers: {
        accept: 'application/json',
        'accept-version': '${connectionConfig.version}',
        authorization: 'Ghost ${accessToken}',
      },
      verification: {
        path: '/users',
        headers: {
          'content-type': 'application/json',
        },
      },
    },
  },
];
