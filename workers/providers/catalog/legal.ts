import type { ProviderDefinitionInput } from '../../../sdk/contract/provider-definition.js';

export const legalProviders: ProviderDefinitionInput[] = [
  {
    name: 'docusign',
    displayName: 'DocuSign',
    categories: ['legal'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://account.docusign.com/oauth/auth',
      authorizationParams: {
        response_type: 'code',
      },
      refreshParams: {
        grant_type: 'refresh_token',
      },
      tokenUrl: 'https://account.docusign.com/oauth/token',
      tokenParams: {
        grant_type: 'authorization_code',
      },
      clientAuth: 'basic',
    },
    api: {
      baseUrl: 'https://www.docusign.net',
    },
    webhooks: {
      signature: {
        algorithm: 'hmac-sha256',
        header: 'x-docusign-signature-1',
        encoding: 'base64',
      },
    },
  },
  {
    name: 'pandadoc',
    displayName: 'Pandadoc',
    categories: ['legal'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://app.pandadoc.com/oauth2/authorize',
      authorizationParams: {
        response_type: 'code',
      },
      refreshParams: {
        grant_type: 'refresh_token',
      },
      tokenUrl: 'https://api.pandadoc.com/oauth2/access_token',
      tokenParams: {
        grant_type: 'authorization_code',
      },
    },
    api: {
      baseUrl: 'https://api.pandadoc.com',
    },
  },
  {
    name: 'dropbox-sign',
    displayName: 'Dropbox Sign',
    categories: ['legal'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://app.hellosign.com/oauth/authorize',
      refreshUrl: 'https://app.hellosign.com/oauth/token?refresh',
      authorizationParams: {
        response_type: 'code',
      },
      refreshParams: {
        grant_type: 'refresh_token',
      },
      tokenUrl: 'https://app.hellosign.com/oauth/token',
      tokenParams: {
        grant_type: 'authorization_code',
      },
    },
    api: {
      baseUrl: 'https://api.hellosign.com',
      rateLimit: {
        resetHeaders: ['x-ratelimit-reset'],
      },
    },
  },
];
