import { describe, expect, it } from 'vitest';
import { providerDefinitionSchema } from '../../../sdk/contract/provider-definition.js';
import { wireProviderSchema } from '../../../sdk/contract/providers.js';
import { builtinProviderInputs } from '../../../workers/providers/catalog/index.js';
import { fromWireProvider, humanizeFieldName, toWireProvider } from '../../../workers/providers/wire-format.js';

describe('wire format', () => {
  it.each(builtinProviderInputs.map((p) => [p.name, p] as const))('%s survives a round trip', (_name, input) => {
    const definition = providerDefinitionSchema.parse(input);
    const wire = toWireProvider(definition);
    expect(wireProviderSchema.safeParse(wire).success).toBe(true);
    const back = fromWireProvider(wire);
    expect(back).toEqual({ ok: true, definition });
  });

  it('reads the reference field names', () => {
    const result = fromWireProvider({
      name: 'ref',
      display_name: 'Ref',
      auth_mode: 'OAUTH2',
      authorization_url: 'https://ref.test/auth',
      token_url: { OAUTH2: 'https://ref.test/token', OAUTH2_CC: 'https://ref.test/cc' },
      authorization_method: 'header',
      disable_pkce: true,
      scope_separator: '+',
      expires_in_unit: 'milliseconds',
      token_params: { audience: ['a', 'b'], flag: true },
      connection_configuration: ['portalId'],
      proxy: {
        base_url: 'https://api.ref.test',
        retry: { after: ['retry-after-seconds'], error_code: ['5xx', 409] },
        paginate: { type: 'offset', offset_name_in_request: 'page', offset_calculation_method: 'per-page' },
        verification: { method: 'get', endpoints: ['/me', '/other'] },
      },
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.definition.auth).toMatchObject({
      mode: 'OAUTH2',
      tokenUrl: 'https://ref.test/token',
      clientAuth: 'basic',
      pkce: false,
      scopeSeparator: '+',
      expiresInUnit: 'milliseconds',
      tokenParams: { audience: 'a,b', flag: 'true' },
    });
    expect(result.definition.connectionConfig.portalId).toMatchObject({
      title: 'Portal ID',
      automated: true,
      optional: true,
    });
    expect(result.definition.api).toMatchObject({
      rateLimit: { retryAfterHeaders: ['retry-after-seconds'], retryOn: [409] },
      pagination: { type: 'offset', offsetNameInRequest: 'page', offsetCalculation: 'per-page', offsetStartValue: 0 },
      verification: { method: 'GET', path: '/me' },
    });
  });

  it('reads JWT providers from the reference token shape', () => {
    const result = fromWireProvider({
      name: 'jwt-ref',
      display_name: 'JWT',
      auth_mode: 'JWT',
      signature: { protocol: 'EC' },
      token: {
        signing_key: '${credentials.privateKey}',
        expires_in_ms: 900000,
        header: { kid: '${credentials.keyId}' },
        payload: { iss: '${credentials.issuer}', scope: ['a'] },
      },
      credentials: { privateKey: { secret: true }, keyId: {}, issuer: {} },
    });
    expect(result).toMatchObject({
      ok: true,
      definition: {
        auth: { mode: 'JWT', algorithm: 'ES256', expiresInSeconds: 900, header: { kid: '${credentials.keyId}' } },
      },
    });
  });

  it('names unsupported auth modes instead of guessing', () => {
    const result = fromWireProvider({ name: 'two', display_name: 'Two', auth_mode: 'TWO_STEP' });
    expect(result).toEqual({
      ok: false,
      issues: [
        {
          path: ['auth_mode'],
          message:
            'auth_mode "TWO_STEP" is not supported; use one of OAUTH2, OAUTH2_CC, OAUTH1, API_KEY, BASIC, APP, JWT, NONE',
        },
      ],
    });
  });

  it('humanizes field names for titles', () => {
    expect(humanizeFieldName('instance_url')).toBe('Instance URL');
    expect(humanizeFieldName('appPublicLink')).toBe('App Public Link');
    expect(humanizeFieldName('accounts-server')).toBe('Accounts Server');
  });
});
