import type { ProviderDefinitionInput } from '../../../sdk/contract/provider-definition.js';

export const designProviders: ProviderDefinitionInput[] = [
  {
    name: 'figma',
    displayName: 'Figma',
    categories: ['design', 'productivity'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://www.figma.com/oauth',
      refreshUrl: 'https://api.figma.com/v1/oauth/refresh',
      pkce: false,
      tokenUrl: 'https://api.figma.com/v1/oauth/token',
      scopeSeparator: ',',
      clientAuth: 'basic',
    },
    api: {
      baseUrl: 'https://api.figma.com',
    },
  },
  {
    name: 'miro',
    displayName: 'Miro',
    categories: ['design', 'productivity'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://miro.com/oauth/authorize',
      authorizationParams: {
        response_type: 'code',
      },
      refreshParams: {
        grant_type: 'refresh_token',
      },
      tokenUrl: 'https://api.miro.com/v1/oauth/token',
      tokenParams: {
        grant_type: 'authorization_code',
      },
    },
    api: {
      baseUrl: 'https://api.miro.com',
    },
  },
  {
    name: 'pinterest',
    displayName: 'Pinterest',
    categories: ['design', 'marketing', 'social', 'video'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://www.pinterest.com/oauth',
      authorizationParams: {
        response_type: 'code',
      },
      refreshParams: {
        grant_type: 'refresh_token',
      },
      tokenUrl: 'https://api.pinterest.com/v5/oauth/token',
      tokenParams: {
        grant_type: 'authorization_code',
      },
      clientAuth: 'basic',
    },
    api: {
      baseUrl: 'https://api.pinterest.com',
    },
  },
  {
    name: 'adobe',
    displayName: 'Adobe',
    categories: ['design'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://ims-na1.adobelogin.com/ims/authorize/v2',
      authorizationParams: {
        response_type: 'code',
      },
      refreshParams: {
        grant_type: 'refresh_token',
      },
      tokenUrl: 'https://ims-na1.adobelogin.com/ims/token/v3',
      tokenParams: {
        grant_type: 'authorization_code',
      },
      defaultScopes: ['offline_access'],
    },
    api: {
      baseUrl: 'https://ims-na1.adobelogin.com/ims',
    },
  },
];
