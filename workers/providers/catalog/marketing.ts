import type { ProviderDefinitionInput } from '../../../sdk/contract/provider-definition.js';

export const marketingProviders: ProviderDefinitionInput[] = [
  {
    name: 'hubspot',
    displayName: 'HubSpot',
    categories: ['marketing', 'support', 'crm', 'popular'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://app.hubspot.com/oauth/authorize',
      tokenUrl: 'https://api.hubapi.com/oauth/v1/token',
    },
    connectionConfig: {
      portalId: {
        title: 'Portal ID',
        automated: true,
        optional: true,
      },
    },
    api: {
      baseUrl: 'https://api.hubapi.com',
      decompress: true,
      pagination: {
        type: 'cursor',
        cursorPathInResponse: 'paging.next.after',
        cursorNameInRequest: 'after',
        limitNameInRequest: 'limit',
        responsePath: 'results',
      },
      rateLimit: {
        remainingHeader: 'x-hubspot-ratelimit-remaining',
      },
    },
    webhooks: {
      signature: {
        algorithm: 'hmac-sha256',
        header: 'x-hubspot-signature-v3',
        encoding: 'base64',
        signedPayload: '{method}{url}{body}{timestamp}',
        timestampHeader: 'x-hubspot-request-timestamp',
        timestampUnit: 'milliseconds',
        toleranceSeconds: 300,
      },
      // HubSpot sends a batch (an array) of events; the portal names the connection.
      connectionLookup: { payloadPath: '0.portalId', connectionConfigField: 'portalId' },
      eventTypePath: '0.subscriptionType',
    },
  },
  {
    name: 'intercom',
    displayName: 'Intercom',
    categories: ['marketing', 'popular', 'support', 'surveys', 'ticketing'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://app.${connectionConfig.region}.intercom.com/oauth || https://app.intercom.com/oauth',
      tokenUrl:
        'https://api.${connectionConfig.region}.intercom.io/auth/eagle/token || https://api.intercom.io/auth/eagle/token',
    },
    connectionConfig: {
      region: {
        title: 'Region',
        optional: true,
        enum: ['eu', 'au'],
        enumLabels: { eu: 'Europe', au: 'Australia' },
      },
    },
    api: {
      baseUrl: 'https://api.${connectionConfig.region}.intercom.io || https://api.intercom.io',
      rateLimit: {
        resetHeaders: ['x-ratelimit-reset'],
      },
    },
    webhooks: {
      signature: {
        algorithm: 'hmac-sha1',
        header: 'x-hub-signature',
        encoding: 'hex',
        prefix: 'sha1=',
      },
      eventTypePath: 'topic',
    },
  },
  {
    name: 'mailchimp',
    displayName: 'Mailchimp',
    categories: ['marketing', 'surveys'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://login.mailchimp.com/oauth2/authorize',
      authorizationParams: {
        response_type: 'code',
      },
      tokenUrl: 'https://login.mailchimp.com/oauth2/token',
    },
    connectionConfig: {
      dc: {
        title: 'DC',
        pattern: '^[a-z]+\\d*$',
        automated: true,
      },
    },
    api: {
      baseUrl: 'https://${connectionConfig.dc}.api.mailchimp.com',
    },
  },
  {
    name: 'sendgrid',
    displayName: 'SendGrid',
    docs: 'https://www.twilio.com/docs/sendgrid/ui/account-and-settings/api-keys',
    categories: ['marketing'],
    auth: {
      mode: 'API_KEY',
      apiKey: {
        title: 'API Key',
        secret: true,
      },
    },
    api: {
      baseUrl: 'https://api.sendgrid.com',
      headers: {
        authorization: 'Bearer ${apiKey}',
      },
    },
  },
  {
    name: 'twitter',
    displayName: 'Twitter (v1)',
    categories: ['marketing', 'social'],
    auth: {
      mode: 'OAUTH1',
      requestTokenUrl: 'https://api.twitter.com/oauth/request_token',
      authorizationUrl: 'https://api.twitter.com/oauth/authorize',
      accessTokenUrl: 'https://api.twitter.com/oauth/access_token',
      signatureMethod: 'HMAC-SHA1',
      requestParams: {
        x_auth_access_type: 'write',
      },
    },
    api: {
      baseUrl: 'https://api.twitter.com',
    },
  },
  {
    name: 'twitter-v2',
    displayName: 'Twitter (v2)',
    categories: ['marketing', 'social'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://x.com/i/oauth2/authorize',
      authorizationParams: {
        response_type: 'code',
        response_mode: 'query',
      },
      refreshParams: {
        grant_type: 'refresh_token',
      },
      tokenUrl: 'https://api.twitter.com/2/oauth2/token',
      tokenParams: {
        grant_type: 'authorization_code',
      },
      defaultScopes: ['offline.access'],
      clientAuth: 'basic',
    },
    api: {
      baseUrl: 'https://api.twitter.com',
    },
  },
  {
    name: 'facebook',
    displayName: 'Facebook',
    categories: ['marketing', 'social'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://www.facebook.com/v22.0/dialog/oauth',
      tokenUrl: 'https://graph.facebook.com/v22.0/oauth/access_token',
    },
    api: {
      baseUrl: 'https://graph.facebook.com',
    },
  },
  {
    name: 'instagram',
    displayName: 'Instagram',
    categories: ['marketing', 'social'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://www.instagram.com/oauth/authorize',
      refreshUrl: 'https://graph.instagram.com/refresh_access_token',
      tokenUrl: 'https://api.instagram.com/oauth/access_token',
      scopeSeparator: ',',
    },
    api: {
      baseUrl: 'https://graph.instagram.com',
    },
  },
  {
    name: 'apollo',
    displayName: 'Apollo (API Key)',
    docs: 'https://docs.apollo.io/docs/create-api-key',
    categories: ['marketing'],
    auth: {
      mode: 'API_KEY',
      apiKey: {
        title: 'API Key',
        secret: true,
      },
    },
    api: {
      baseUrl: 'https://app.apollo.io/api',
      headers: {
        'x-api-key': '${apiKey}',
      },
    },
  },
  {
    name: 'outreach',
    displayName: 'Outreach',
    categories: ['marketing'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://api.outreach.io/oauth/authorize',
      authorizationParams: {
        response_type: 'code',
      },
      refreshParams: {
        grant_type: 'refresh_token',
      },
      tokenUrl: 'https://api.outreach.io/oauth/token',
      tokenParams: {
        grant_type: 'authorization_code',
      },
    },
    api: {
      baseUrl: 'https://api.outreach.io',
    },
  },
  {
    name: 'salesloft',
    displayName: 'Salesloft',
    categories: ['marketing'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://accounts.salesloft.com/oauth/authorize',
      tokenUrl: 'https://accounts.salesloft.com/oauth/token',
    },
    api: {
      baseUrl: 'https://api.salesloft.com',
    },
  },
  {
    name: 'klaviyo',
    displayName: 'Klaviyo (API Key)',
    docs: 'https://developers.klaviyo.com/en/docs/authenticate_',
    categories: ['marketing'],
    auth: {
      mode: 'API_KEY',
      apiKey: {
        title: 'API Key',
        secret: true,
      },
    },
    api: {
      baseUrl: 'https://a.klaviyo.com',
      headers: {
        authorization: 'Klaviyo-API-Key ${apiKey}',
        revision: '2024-07-15',
      },
      verification: {
        path: '/api/accounts',
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
    name: 'keap',
    displayName: 'Keap',
    categories: ['marketing'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://accounts.infusionsoft.com/app/oauth/authorize',
      authorizationParams: {
        response_type: 'code',
      },
      refreshParams: {
        grant_type: 'refresh_token',
      },
      tokenUrl: 'https://api.infusionsoft.com/token',
      tokenParams: {
        grant_type: 'authorization_code',
      },
    },
    api: {
      baseUrl: 'https://api.infusionsoft.com',
    },
  },
  {
    name: 'marketo',
    displayName: 'Marketo',
    categories: ['marketing'],
    auth: {
      mode: 'OAUTH2_CC',
      tokenUrl: 'https://${connectionConfig.identityURL}/identity/oauth/token',
      tokenParams: {
        grant_type: 'client_credentials',
      },
    },
    connectionConfig: {
      endpointURL: {
        hosts: ['*.mktorest.com'],
        title: 'Endpoint URL',
        prefix: 'https://',
        suffix: '/',
      },
      identityURL: {
        hosts: ['*.mktorest.com'],
        title: 'Identity URL',
        prefix: 'https://',
        suffix: '/identity/oauth/token',
      },
    },
    api: {
      baseUrl: 'https://${connectionConfig.endpointURL}',
    },
  },
  {
    name: 'mailgun',
    displayName: 'Mailgun',
    docs: 'https://documentation.mailgun.com/docs/mailgun/api-reference/authentication',
    categories: ['marketing'],
    auth: {
      mode: 'BASIC',
    },
    connectionConfig: {
      region: {
        title: 'Region',
        enum: ['api', 'api.eu'],
        enumLabels: { api: 'United States (api.mailgun.net)', 'api.eu': 'European Union (api.eu.mailgun.net)' },
      },
    },
    api: {
      baseUrl: 'https://${connectionConfig.region}.mailgun.net',
      verification: {
        path: '/v4/domains',
        headers: {
          'content-type': 'application/json',
        },
      },
    },
  },
  {
    name: 'google-ads',
    displayName: 'Google Ads',
    categories: ['marketing'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
      authorizationParams: {
        response_type: 'code',
        access_type: 'offline',
        prompt: 'consent',
      },
      tokenUrl: 'https://www.googleapis.com/oauth2/v3/token',
    },
    connectionConfig: {
      developer_token: {
        title: 'Developer Token',
        secret: true,
        automated: true,
      },
      login_customer_id: {
        title: 'Login Customer ID',
        pattern: '^[0-9]{10}$',
        optional: true,
      },
    },
    api: {
      baseUrl: 'https://googleads.googleapis.com',
      headers: {
        'developer-token': '${connectionConfig.developer_token}',
        'login-customer-id': '${connectionConfig.login_customer_id}',
      },
      pagination: {
        type: 'cursor',
        cursorPathInResponse: 'nextPageToken',
        cursorNameInRequest: 'pageToken',
        limitNameInRequest: 'pageSize',
        responsePath: 'results',
      },
    },
  },
  {
    name: 'meta-marketing-api',
    displayName: 'Meta Marketing API',
    categories: ['marketing'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://www.facebook.com/v22.0/dialog/oauth',
      tokenUrl: 'https://graph.facebook.com/v22.0/oauth/access_token',
    },
    api: {
      baseUrl: 'https://graph.facebook.com',
    },
  },
];
