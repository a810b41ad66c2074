import type { ProviderDefinitionInput } from '../../../sdk/contract/provider-definition.js';

export const productivityProviders: ProviderDefinitionInput[] = [
  {
    name: 'slack',
    displayName: 'Slack',
    categories: ['popular', 'productivity'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://slack.com/oauth/v2/authorize',
      pkce: false,
      tokenResponsePath: 'authed_user',
      tokenUrl: 'https://slack.com/api/oauth.v2.access',
      scopeSeparator: ',',
      tokenResponseMetadata: [
        'incoming_webhook.url',
        'incoming_webhook.channel',
        'incoming_webhook.channel_id',
        'bot_user_id',
        'team.id',
      ],
    },
    api: {
      baseUrl: 'https://slack.com/api',
      pagination: {
        type: 'cursor',
        cursorPathInResponse: 'response_metadata.next_cursor',
        cursorNameInRequest: 'cursor',
        limitNameInRequest: 'limit',
      },
      rateLimit: {
        retryAfterHeaders: ['retry-after'],
      },
    },
    webhooks: {
      signature: {
        algorithm: 'hmac-sha256',
        header: 'x-slack-signature',
        encoding: 'hex',
        prefix: 'v0=',
        signedPayload: 'v0:{timestamp}:{body}',
        timestampHeader: 'x-slack-request-timestamp',
        toleranceSeconds: 300,
      },
      eventTypePath: 'event.type',
    },
  },
  {
    name: 'jira',
    displayName: 'Jira (OAuth)',
    categories: ['popular', 'productivity', 'ticketing'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://auth.atlassian.com/authorize',
      authorizationParams: {
        audience: 'api.atlassian.com',
        prompt: 'consent',
      },
      tokenUrl: 'https://auth.atlassian.com/oauth/token',
      defaultScopes: ['offline_access'],
    },
    connectionConfig: {
      subdomain: {
        title: 'Subdomain',
        pattern: '^[a-zA-Z0-9.-]+$',
        prefix: 'https://',
        suffix: '.atlassian.net',
        optional: true,
      },
      cloudId: {
        title: 'Cloud ID',
        automated: true,
        optional: true,
      },
      accountId: {
        title: 'Account ID',
        automated: true,
        optional: true,
      },
    },
    api: {
      baseUrl: 'https://api.atlassian.com',
      pagination: {
        type: 'link',
        linkRelInResponseHeader: 'next',
        linkPathInResponseBody: '_links.next',
        limitNameInRequest: 'limit',
        responsePath: 'results',
      },
    },
  },
  {
    name: 'asana',
    displayName: 'Asana',
    categories: ['productivity', 'ticketing'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://app.asana.com/-/oauth_authorize',
      refreshParams: {
        grant_type: 'refresh_token',
      },
      tokenUrl: 'https://app.asana.com/-/oauth_token',
      tokenParams: {
        grant_type: 'authorization_code',
      },
      defaultScopes: ['default'],
    },
    api: {
      baseUrl: 'https://app.asana.com',
      pagination: {
        type: 'cursor',
        cursorPathInResponse: 'next_page.offset',
        cursorNameInRequest: 'offset',
        limitNameInRequest: 'limit',
        responsePath: 'data',
      },
      rateLimit: {
        retryAfterHeaders: ['retry-after'],
      },
    },
    webhooks: {
      signature: {
        algorithm: 'hmac-sha256',
        header: 'x-hook-signature',
        encoding: 'hex',
      },
      eventTypePath: 'events.0.action',
    },
  },
  {
    name: 'linear',
    displayName: 'Linear',
    categories: ['popular', 'productivity', 'ticketing'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://linear.app/oauth/authorize',
      authorizationParams: {
        prompt: 'consent',
      },
      pkce: false,
      tokenUrl: 'https://api.linear.app/oauth/token',
      scopeSeparator: ',',
    },
    api: {
      baseUrl: 'https://api.linear.app',
      rateLimit: {
        remainingHeader: 'x-ratelimit-requests-remaining',
        resetHeaders: ['x-ratelimit-requests-reset'],
        retryOn: [400, 401, 429],
      },
    },
    webhooks: {
      signature: {
        algorithm: 'hmac-sha256',
        header: 'linear-signature',
        encoding: 'hex',
      },
      eventTypePath: 'type',
    },
  },
  {
    name: 'google-calendar',
    displayName: 'Google Calendar',
    categories: ['popular', 'productivity'],
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
      rateLimit: {
        retryOn: [403, 401, 429],
      },
    },
  },
  {
    name: 'microsoft-teams',
    displayName: 'Microsoft Teams',
    categories: ['productivity', 'video', 'popular'],
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
    name: 'airtable',
    displayName: 'Airtable',
    categories: ['popular', 'productivity'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://airtable.com/oauth2/v1/authorize',
      tokenUrl: 'https://airtable.com/oauth2/v1/token',
      clientAuth: 'basic',
    },
    api: {
      baseUrl: 'https://api.airtable.com',
    },
  },
  {
    name: 'monday',
    displayName: 'Monday',
    categories: ['productivity', 'ticketing'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://auth.monday.com/oauth2/authorize',
      authorizationParams: {
        force_install_if_needed: 'true',
      },
      pkce: false,
      tokenUrl: 'https://auth.monday.com/oauth2/token',
    },
    api: {
      baseUrl: 'https://api.monday.com',
    },
  },
  {
    name: 'clickup',
    displayName: 'ClickUp',
    categories: ['productivity', 'ticketing'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://app.clickup.com/api',
      tokenUrl: 'https://api.clickup.com/api/v2/oauth/token',
    },
    api: {
      baseUrl: 'https://api.clickup.com',
    },
    webhooks: {
      signature: {
        algorithm: 'hmac-sha256',
        header: 'x-signature',
        encoding: 'hex',
      },
    },
  },
  {
    name: 'trello',
    displayName: 'Trello',
    categories: ['productivity', 'ticketing'],
    auth: {
      mode: 'OAUTH1',
      requestTokenUrl: 'https://trello.com/1/OAuthGetRequestToken',
      authorizationUrl: 'https://trello.com/1/OAuthAuthorizeToken',
      accessTokenUrl: 'https://trello.com/1/OAuthGetAccessToken',
      signatureMethod: 'HMAC-SHA1',
      authorizationParams: {
        expiration: 'never',
      },
    },
    api: {
      baseUrl: 'https://api.trello.com',
    },
  },
  {
    name: 'calendly',
    displayName: 'Calendly',
    categories: ['productivity'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://auth.calendly.com/oauth/authorize',
      authorizationParams: {
        response_type: 'code',
      },
      tokenUrl: 'https://auth.calendly.com/oauth/token',
      tokenResponseMetadata: ['owner'],
    },
    api: {
      baseUrl: 'https://api.calendly.com',
      pagination: {
        type: 'link',
        linkPathInResponseBody: 'pagination.next_page',
      },
      rateLimit: {
        resetHeaders: ['x-ratelimit-reset'],
      },
    },
  },
  {
    name: 'servicenow',
    displayName: 'ServiceNow',
    categories: ['productivity', 'popular'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl:
        'https://${connectionConfig.hostname}/oauth_auth.do || https://${connectionConfig.subdomain}.service-now.com/oauth_auth.do',
      authorizationParams: {
        response_type: 'code',
      },
      refreshParams: {
        grant_type: 'refresh_token',
      },
      tokenUrl:
        'https://${connectionConfig.hostname}/oauth_token.do || https://${connectionConfig.subdomain}.service-now.com/oauth_token.do',
      tokenParams: {
        grant_type: 'authorization_code',
      },
    },
    connectionConfig: {
      hostname: {
        hosts: ['*.service-now.com', '*.servicenowservices.com'],
        title: 'Hostname',
        prefix: 'https://',
      },
      subdomain: {
        title: 'Subdomain',
        hidden: true,
      },
    },
    api: {
      baseUrl: 'https://${connectionConfig.hostname} || https://${connectionConfig.subdomain}.service-now.com',
    },
  },
  {
    name: 'openai',
    displayName: 'OpenAI',
    docs: 'https://platform.openai.com/docs/api-reference/authentication',
    categories: ['productivity', 'dev-tools', 'popular'],
    auth: {
      mode: 'API_KEY',
      apiKey: {
        title: 'API Key',
        secret: true,
      },
    },
    api: {
      baseUrl: 'https://api.openai.com',
      headers: {
        authorization: 'Bearer ${apiKey}',
        'content-type': 'application/json',
      },
      verification: {
        path: '/v1/models',
        headers: {
          'content-type': 'application/json',
        },
      },
      rateLimit: {
        retryAfterHeaders: ['x-ratelimit-reset-requests'],
      },
    },
  },
  {
    name: 'anthropic',
    displayName: 'Anthropic',
    docs: 'https://docs.anthropic.com/en/api/getting-started',
    categories: ['productivity', 'dev-tools', 'popular'],
    auth: {
      mode: 'API_KEY',
      apiKey: {
        title: 'API Key',
        secret: true,
      },
    },
    connectionConfig: {
      version: {
        title: 'Version',
        pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$',
      },
    },
    api: {
      baseUrl: 'https://api.anthropic.com',
      headers: {
        'x-api-key': '${apiKey}',
        'anthropic-version': '${connectionConfig.version}',
        'content-type': 'application/json',
      },
      verification: {
        path: 'v1/models',
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
    name: 'smartsheet',
    displayName: 'Smartsheet',
    categories: ['productivity'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://${connectionConfig.app_host}/b/authorize || https://app.smartsheet.com/b/authorize',
      authorizationParams: {
        response_type: 'code',
      },
      refreshParams: {
        grant_type: 'refresh_token',
      },
      tokenUrl: 'https://api.${connectionConfig.domain}/2.0/token',
      tokenParams: {
        grant_type: 'authorization_code',
      },
    },
    connectionConfig: {
      app_host: {
        hosts: [
          'app.smartsheet.com',
          'app.smartsheet.eu',
          'app.smartsheet.au',
          'app.smartsheetgov.com',
          'app.test.smartsheet.com',
        ],
        title: 'App Host',
        pattern: '^(app\\.smartsheet\\.com|app\\.test\\.smartsheet\\.com)$',
        optional: true,
      },
      domain: {
        title: 'Domain',
        prefix: 'https://api.',
        enum: ['smartsheet.com', 'smartsheet.eu', 'smartsheet.au', 'smartsheetgov.com', 'test.smartsheet.com'],
        enumLabels: {
          'smartsheet.com': 'United States',
          'smartsheet.eu': 'European Union',
          'smartsheet.au': 'Australia',
          'smartsheetgov.com': 'Smartsheet Gov',
          'test.smartsheet.com': 'Test environment',
        },
      },
    },
    api: {
      baseUrl: 'https://api.${connectionConfig.domain}',
    },
  },
  {
    name: 'basecamp',
    displayName: 'Basecamp',
    categories: ['productivity'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://launchpad.37signals.com/authorization/new',
      authorizationParams: {
        type: 'web_server',
      },
      refreshParams: {
        type: 'refresh',
      },
      tokenUrl: 'https://launchpad.37signals.com/authorization/token',
      tokenParams: {
        type: 'web_server',
      },
    },
    connectionConfig: {
      appDetails: {
        title: 'App Details',
        automated: true,
      },
      accountId: {
        title: 'Account ID',
        pattern: '^[0-9]+$',
        optional: true,
      },
    },
    api: {
      baseUrl: 'https://3.basecampapi.com/${connectionConfig.accountId}',
      headers: {
        'user-agent': '${connectionConfig.appDetails} || App (support@nango.dev)',
      },
      rateLimit: {
        retryAfterHeaders: ['retry-after'],
      },
    },
  },
  {
    name: 'wrike',
    displayName: 'Wrike',
    categories: ['productivity'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://login.wrike.com/oauth2/authorize/v4',
      authorizationParams: {
        response_type: 'code',
      },
      refreshParams: {
        grant_type: 'refresh_token',
      },
      tokenUrl: 'https://login.wrike.com/oauth2/token',
      tokenParams: {
        grant_type: 'authorization_code',
      },
      scopeSeparator: ',',
      tokenResponseMetadata: ['host'],
    },
    connectionConfig: {
      host: {
        hosts: ['*.wrike.com'],
        title: 'Host',
        prefix: 'https://',
      },
    },
    api: {
      baseUrl: 'https://${connectionConfig.host}/api/v4',
    },
  },
  {
    name: 'teamwork',
    displayName: 'Teamwork',
    categories: ['productivity', 'ticketing'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://www.teamwork.com/launchpad/login',
      tokenUrl: 'https://www.teamwork.com/launchpad/v1/token.json',
      tokenResponseMetadata: ['installation.apiEndPoint'],
    },
    api: {
      baseUrl: '${connectionConfig.installation.apiEndPoint}',
    },
  },
  {
    name: 'productboard',
    displayName: 'Productboard',
    categories: ['productivity'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://app.productboard.com/oauth2/authorize',
      authorizationParams: {
        response_type: 'code',
      },
      refreshParams: {
        grant_type: 'refresh_token',
      },
      tokenUrl: 'https://app.productboard.com/oauth2/token',
      tokenParams: {
        grant_type: 'authorization_code',
      },
      scopeSeparator: ' ',
    },
    api: {
      baseUrl: 'https://api.productboard.com',
      headers: {
        'x-version': '1',
      },
    },
  },
  {
    name: 'harvest',
    displayName: 'Harvest',
    categories: ['productivity'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://id.getharvest.com/oauth2/authorize',
      authorizationParams: {
        response_type: 'code',
      },
      refreshParams: {
        grant_type: 'refresh_token',
      },
      tokenUrl: 'https://id.getharvest.com/api/v2/oauth2/token',
      tokenParams: {
        grant_type: 'authorization_code',
      },
      scopeSeparator: ' ',
    },
    connectionConfig: {
      appDetails: {
        title: 'App Details',
        automated: true,
      },
      'installation.apiEndPoint': {
        title: 'API Endpoint',
        automated: true,
        optional: true,
        hosts: ['*.teamwork.com'],
      },
    },
    api: {
      baseUrl: 'https://api.harvestapp.com',
      headers: {
        'user-agent': '${connectionConfig.appDetails} || App (support@nango.dev)',
      },
      rateLimit: {
        retryAfterHeaders: ['retry-after'],
      },
    },
  },
  {
    name: 'toggl',
    displayName: 'Toggl Track',
    docs: 'https://engineering.toggl.com/docs/authentication',
    categories: ['productivity'],
    auth: {
      mode: 'BASIC',
      username: {
        title: 'Username',
      },
      password: {
        title: 'Password',
        secret: true,
      },
    },
    api: {
      baseUrl: 'https://api.track.toggl.com',
      verification: {
        path: '/api/v9/me',
      },
      rateLimit: {
        retryAfterHeaders: ['x-toggl-quota-resets-in'],
      },
    },
  },
  {
    name: 'expensify',
    displayName: 'Expensify',
    docs: 'https://integrations.expensify.com/Integration-Server/doc/#authentication',
    categories: ['productivity'],
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
      baseUrl: 'https://integrations.expensify.com/Integration-Server/',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
      },
    },
  },
  {
    name: 'jira-data-center',
    displayName: 'Jira Data Center',
    categories: ['productivity', 'ticketing'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://${connectionConfig.endpointURL}/rest/oauth2/latest/authorize',
      authorizationParams: {
        grant_type: 'authorization_code',
      },
      tokenUrl: 'https://${connectionConfig.endpointURL}/rest/oauth2/latest/token',
    },
    connectionConfig: {
      endpointURL: {
        title: 'Endpoint URL',
        pattern: '^[a-zA-Z0-9.-]+(:\\d+)?(/[a-zA-Z0-9._~-]+)*/?$',
        prefix: 'https://',
      },
    },
    api: {
      baseUrl: 'https://${connectionConfig.endpointURL}/rest/api/latest',
    },
  },
  {
    name: 'todoist',
    displayName: 'Todoist',
    categories: ['productivity', 'ticketing'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://todoist.com/oauth/authorize',
      tokenUrl: 'https://todoist.com/oauth/access_token',
      scopeSeparator: ',',
    },
    api: {
      baseUrl: 'https://api.todoist.com',
    },
  },
];
