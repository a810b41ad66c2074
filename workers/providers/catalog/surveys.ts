import type { ProviderDefinitionInput } from '../../../sdk/contract/provider-definition.js';

export const surveysProviders: ProviderDefinitionInput[] = [
  {
    name: 'typeform',
    displayName: 'Typeform',
    categories: ['surveys'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://api.typeform.com/oauth/authorize',
      authorizationParams: {
        response_type: 'code',
      },
      refreshParams: {
        grant_type: 'refresh_token',
      },
      pkce: false,
      tokenUrl: 'https://api.typeform.com/oauth/token',
      tokenParams: {
        grant_type: 'authorization_code',
      },
      defaultScopes: ['offline'],
    },
    api: {
      baseUrl: 'https://api.typeform.com',
    },
    webhooks: {
      signature: {
        algorithm: 'hmac-sha256',
        header: 'typeform-signature',
        encoding: 'base64',
        prefix: 'sha256=',
      },
    },
  },
];
