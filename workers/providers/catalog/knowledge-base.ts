import type { ProviderDefinitionInput } from '../../../sdk/contract/provider-definition.js';

export const knowledgeBaseProviders: ProviderDefinitionInput[] = [
  {
    name: 'confluence',
    displayName: 'Confluence',
    categories: ['knowledge-base', 'popular'],
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
    name: 'notion',
    displayName: 'Notion',
    categories: ['knowledge-base', 'popular', 'productivity'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://api.notion.com/v1/oauth/authorize',
      authorizationParams: {
        response_type: 'code',
        owner: 'user',
      },
      tokenUrl: 'https://api.notion.com/v1/oauth/token',
      clientAuth: 'basic',
      tokenBodyFormat: 'json',
      tokenResponseMetadata: ['workspace_id'],
    },
    api: {
      baseUrl: 'https://api.notion.com',
      headers: {
        'notion-version': '2022-06-28',
      },
      pagination: {
        type: 'cursor',
        cursorPathInResponse: 'next_cursor',
        cursorNameInRequest: 'start_cursor',
        limitNameInRequest: 'page_size',
        responsePath: 'results',
      },
      rateLimit: {
        retryAfterHeaders: ['retry-after'],
      },
    },
    webhooks: {
      signature: {
        algorithm: 'hmac-sha256',
        header: 'x-notion-signature',
        encoding: 'hex',
        prefix: 'sha256=',
      },
      eventTypePath: 'type',
    },
  },
  {
    name: 'google-drive',
    displayName: 'Google Drive',
    categories: ['knowledge-base', 'popular', 'storage'],
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
  {
    name: 'one-drive',
    displayName: 'OneDrive for Business',
    categories: ['knowledge-base', 'storage'],
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
    name: 'dropbox',
    displayName: 'Dropbox',
    categories: ['knowledge-base', 'storage'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://www.dropbox.com/oauth2/authorize',
      authorizationParams: {
        token_access_type: 'offline',
      },
      tokenUrl: 'https://api.dropboxapi.com/oauth2/token',
    },
    api: {
      baseUrl: 'https://api.dropboxapi.com',
    },
    webhooks: {
      signature: {
        algorithm: 'hmac-sha256',
        header: 'x-dropbox-signature',
        encoding: 'hex',
      },
    },
  },
  {
    name: 'box',
    displayName: 'Box',
    categories: ['knowledge-base', 'storage'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://account.box.com/api/oauth2/authorize',
      tokenUrl: 'https://api.box.com/oauth2/token',
    },
    api: {
      baseUrl: 'https://api.box.com',
    },
  },
  {
    name: 'coda',
    displayName: 'Coda',
    docs: 'https://coda.io/developers/apis/v1#section/Authentication',
    categories: ['knowledge-base', 'productivity'],
    auth: {
      mode: 'API_KEY',
      apiKey: {
        title: 'API Key',
        secret: true,
      },
    },
    api: {
      baseUrl: 'https://coda.io/apis/v1',
      headers: {
        authorization: 'Bearer ${apiKey}',
      },
      verification: {
        path: '/whoami',
        headers: {
          'content-type': 'application/json',
        },
      },
    },
  },
];
