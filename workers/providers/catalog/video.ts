import type { ProviderDefinitionInput } from '../../../sdk/contract/provider-definition.js';

export const videoProviders: ProviderDefinitionInput[] = [
  {
    name: 'zoom',
    displayName: 'Zoom',
    categories: ['video'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://zoom.us/oauth/authorize',
      authorizationParams: {
        response_type: 'code',
      },
      refreshParams: {
        grant_type: 'refresh_token',
      },
      tokenUrl: 'https://zoom.us/oauth/token',
      scopeSeparator: ',',
    },
    api: {
      baseUrl: 'https://api.zoom.us/v2',
      pagination: {
        type: 'cursor',
        cursorPathInResponse: 'next_page_token',
        cursorNameInRequest: 'next_page_token',
        limitNameInRequest: 'page_size',
      },
    },
    webhooks: {
      signature: {
        algorithm: 'hmac-sha256',
        header: 'x-zm-signature',
        encoding: 'hex',
        prefix: 'v0=',
        signedPayload: 'v0:{timestamp}:{body}',
        timestampHeader: 'x-zm-request-timestamp',
        toleranceSeconds: 300,
      },
      eventTypePath: 'event',
    },
  },
  {
    name: 'youtube',
    displayName: 'YouTube',
    categories: ['video'],
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
    },
  },
];
