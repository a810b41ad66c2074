import type { ProviderDefinitionInput } from '../../../sdk/contract/provider-definition.js';

export const eCommerceProviders: ProviderDefinitionInput[] = [
  {
    name: 'shopify',
    displayName: 'Shopify (OAuth)',
    categories: ['e-commerce', 'popular'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://${connectionConfig.subdomain}.myshopify.com/admin/oauth/authorize',
      tokenUrl: 'https://${connectionConfig.subdomain}.myshopify.com/admin/oauth/access_token',
      tokenParams: {
        expiring: '1',
      },
    },
    connectionConfig: {
      subdomain: {
        title: 'Subdomain',
        pattern: '^[a-z0-9_-]+$',
        prefix: 'https://',
        suffix: '.myshopify.com',
      },
    },
    api: {
      baseUrl: 'https://${connectionConfig.subdomain}.myshopify.com',
      headers: {
        'x-shopify-access-token': '${accessToken}',
      },
    },
    webhooks: {
      signature: {
        algorithm: 'hmac-sha256',
        header: 'x-shopify-hmac-sha256',
        encoding: 'base64',
      },
    },
  },
  {
    name: 'gorgias',
    displayName: 'Gorgias',
    categories: ['e-commerce'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://${connectionConfig.subdomain}.gorgias.com/oauth/authorize',
      authorizationParams: {
        response_type: 'code',
      },
      refreshParams: {
        grant_type: 'refresh_token',
      },
      tokenUrl: 'https://${connectionConfig.subdomain}.gorgias.com/oauth/token',
      tokenParams: {
        grant_type: 'authorization_code',
      },
      defaultScopes: ['offline'],
      clientAuth: 'basic',
    },
    connectionConfig: {
      subdomain: {
        title: 'Subdomain',
        pattern: '^[a-z0-9_-]+$',
        prefix: 'https://',
        suffix: '.gorgias.com',
      },
    },
    api: {
      baseUrl: 'https://${connectionConfig.subdomain}.gorgias.com',
      rateLimit: {
        retryAfterHeaders: ['retry-after'],
      },
    },
  },
  {
    name: 'woocommerce',
    displayName: 'WooCommerce',
    docs: 'https://woocommerce.github.io/woocommerce-rest-api-docs/#authentication',
    categories: ['e-commerce', 'dev-tools', 'design'],
    auth: {
      mode: 'BASIC',
      username: {
        title: 'Username',
      },
      password: {
        title: 'Password',
        defaultValue: '',
      },
    },
    connectionConfig: {
      storeURL: {
        title: 'Store URL',
      },
    },
    api: {
      baseUrl: 'https://${connectionConfig.storeURL}',
      verification: {
        path: '/wp-json/wc/v3/customers',
        headers: {
          'content-type': 'application/json',
        },
      },
    },
  },
  {
    name: 'bigcommerce',
    displayName: 'BigCommerce',
    categories: ['e-commerce'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://login.bigcommerce.com/oauth2/authorize',
      authorizationParams: {
        response_type: 'code',
        context: 'stores/${connectionConfig.storeHash}',
        account_uuid: '${connectionConfig.accountUuid}',
      },
      tokenUrl: 'https://login.bigcommerce.com/oauth2/token',
      tokenParams: {
        context: 'stores/${connectionConfig.storeHash}',
        grant_type: 'authorization_code',
      },
      scopeSeparator: ' ',
    },
    connectionConfig: {
      storeHash: {
        title: 'Store Hash',
        pattern: '^[a-zA-Z0-9]+$',
      },
      accountUuid: {
        title: 'Account Uuid',
        automated: true,
      },
    },
    api: {
      baseUrl: 'https://api.bigcommerce.com/stores/${connectionConfig.storeHash}',
      headers: {
        'x-auth-token': '${accessToken}',
      },
    },
  },
  {
    name: 'apple-app-store',
    displayName: 'Apple App Store',
    categories: ['e-commerce'],
    auth: {
      mode: 'JWT',
      algorithm: 'ES256',
      signingKey: '${credentials.privateKey}',
      expiresInSeconds: 900,
      header: {
        kid: '${credentials.privateKeyId}',
        typ: 'JWT',
      },
      claims: {
        iss: '${credentials.issuerId}',
        aud: 'appstoreconnect-v1',
        scope: ['${connectionConfig.scope}'],
      },
      credentials: {
        issuerId: {
          title: 'Issuer ID',
        },
        privateKeyId: {
          title: 'Private Key ID',
        },
        privateKey: {
          title: 'Private Key',
          secret: true,
        },
      },
    },
    connectionConfig: {
      scope: {
        title: 'Scope',
        optional: true,
      },
    },
    api: {
      baseUrl: 'https://api.appstoreconnect.apple.com',
    },
  },
];
