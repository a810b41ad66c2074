import type { ProviderDefinitionInput } from '../../../sdk/contract/provider-definition.js';

export const paymentProviders: ProviderDefinitionInput[] = [
  {
    name: 'stripe',
    displayName: 'Stripe Connect',
    categories: ['payment'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://connect.stripe.com/oauth/authorize',
      tokenUrl: 'https://connect.stripe.com/oauth/token',
    },
    api: {
      baseUrl: 'https://api.stripe.com',
    },
    webhooks: {
      signature: {
        algorithm: 'hmac-sha256',
        header: 'stripe-signature',
        format: 'stripe',
        signedPayload: '{timestamp}.{body}',
        toleranceSeconds: 300,
      },
      // Connect events name the connected account (the token response's stripe_user_id).
      connectionLookup: { payloadPath: 'account', connectionConfigField: 'stripe_user_id' },
      eventTypePath: 'type',
    },
  },
  {
    name: 'paypal',
    displayName: 'Paypal',
    categories: ['payment'],
    auth: {
      mode: 'OAUTH2',
      authorizationUrl: 'https://www.paypal.com/signin/authorize',
      authorizationParams: {
        response_type: 'code',
      },
      refreshParams: {
        grant_type: 'refresh_token',
      },
      tokenUrl: 'https://api.paypal.com/v1/oauth2/token',
      tokenParams: {
        grant_type: 'authorization_code',
      },
      clientAuth: 'basic',
    },
    api: {
      baseUrl: 'https://api-m.paypal.com',
    },
  },
  {
    name: 'chargebee',
    displayName: 'Chargebee',
    docs: 'https://apidocs.chargebee.com/docs/api/auth',
    categories: ['payment'],
    auth: {
      mode: 'BASIC',
      username: {
        title: 'Username',
        pattern: '^[a-zA-Z0-9_-]+$',
        secret: true,
      },
      password: {
        title: 'Password',
        hidden: true,
        defaultValue: '',
      },
    },
    connectionConfig: {
      subdomain: {
        title: 'Subdomain',
        pattern: '^[a-z0-9_-]+$',
        prefix: 'https://',
        suffix: '.chargebee.com',
      },
    },
    api: {
      baseUrl: 'https://${connectionConfig.subdomain}.chargebee.com',
      verification: {
        path: '/api/v2/business_entities',
        headers: {
          'content-type': 'application/json',
        },
      },
      rateLimit: {
        retryAfterHeaders: ['retry-after'],
      },
    },
  },
];
