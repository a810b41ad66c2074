import { describe, expect, it } from 'vitest';
import { AUTH_MODES, providerDefinitionSchema } from '../../../sdk/contract/provider-definition.js';
import { builtinProviderInputs } from '../../../workers/providers/catalog/index.js';

describe('built-in provider catalog', () => {
  it.each(builtinProviderInputs.map((p) => [p.name, p] as const))('%s passes the schema', (_name, input) => {
    const result = providerDefinitionSchema.safeParse(input);
    expect(result.success ? [] : result.error.issues).toEqual([]);
  });

  it('has at least 100 providers with unique names', () => {
    const names = builtinProviderInputs.map((p) => p.name);
    expect(names.length).toBeGreaterThanOrEqual(100);
    expect(new Set(names).size).toBe(names.length);
  });

  it('covers every auth mode Pier runs', () => {
    const modes = new Set(builtinProviderInputs.map((p) => p.auth.mode));
    for (const mode of AUTH_MODES) expect(modes, mode).toContain(mode);
  });

  it('declares what later features need: base URLs, pagination, rate-limit headers and webhook signatures', () => {
    const parsed = builtinProviderInputs.map((p) => providerDefinitionSchema.parse(p));
    expect(parsed.filter((p) => p.api).length).toBeGreaterThanOrEqual(140);
    expect(parsed.filter((p) => p.api?.pagination).length).toBeGreaterThanOrEqual(10);
    expect(parsed.filter((p) => p.api?.rateLimit).length).toBeGreaterThanOrEqual(10);
    expect(parsed.filter((p) => p.webhooks?.signature).length).toBeGreaterThanOrEqual(10);
    expect(parsed.filter((p) => Object.keys(p.connectionConfig).length > 0).length).toBeGreaterThanOrEqual(30);
  });

  it('links API-key and basic providers to their own documentation and labels only real enum values', () => {
    const parsed = builtinProviderInputs.map((p) => providerDefinitionSchema.parse(p));
    const typed = parsed.filter((p) => p.auth.mode === 'API_KEY' || p.auth.mode === 'BASIC');
    const withDocs = typed.filter((p) => p.docs);
    // Every typed provider but the few whose key page could not be confirmed.
    expect(withDocs.length).toBeGreaterThanOrEqual(typed.length - 2);
    for (const p of withDocs) expect(new URL(p.docs as string).protocol, p.name).toBe('https:');
    for (const p of parsed)
      for (const [name, field] of Object.entries(p.connectionConfig))
        if (field.enumLabels)
          expect(
            Object.keys(field.enumLabels).filter((value) => !field.enum?.includes(value)),
            `${p.name}.${name}`,
          ).toEqual([]);
  });

  it('has no provider-specific branches in code: every quirk is a declared property', () => {
    const github = providerDefinitionSchema.parse(builtinProviderInputs.find((p) => p.name === 'github'));
    expect(github.api?.rateLimit).toMatchObject({
      remainingHeader: 'x-ratelimit-remaining',
      resetHeaders: ['x-ratelimit-reset'],
    });
    expect(github.webhooks?.signature).toMatchObject({
      algorithm: 'hmac-sha256',
      header: 'x-hub-signature-256',
      prefix: 'sha256=',
    });
    const slack = providerDefinitionSchema.parse(builtinProviderInputs.find((p) => p.name === 'slack'));
    expect(slack.auth).toMatchObject({
      mode: 'OAUTH2',
      scopeSeparator: ',',
      pkce: false,
      tokenResponsePath: 'authed_user',
    });
  });
});

describe('provider definition schema', () => {
  const base = { name: 'x', displayName: 'X', auth: { mode: 'API_KEY' } };

  it('applies defaults so generic code never guesses', () => {
    const def = providerDefinitionSchema.parse({
      ...base,
      auth: { mode: 'OAUTH2', authorizationUrl: 'https://a/auth', tokenUrl: 'https://a/token' },
    });
    expect(def.auth).toMatchObject({ scopeSeparator: ' ', pkce: true, clientAuth: 'body', tokenBodyFormat: 'form' });
    expect(def.connectionConfig).toEqual({});
    expect(def.categories).toEqual([]);
  });

  it('rejects template variables that no field declares', () => {
    const result = providerDefinitionSchema.safeParse({
      ...base,
      api: { baseUrl: 'https://${connectionConfig.region}.x.test' },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ['api', 'baseUrl'] });
  });

  it('accepts template variables filled from the token response or the callback', () => {
    const result = providerDefinitionSchema.safeParse({
      ...base,
      auth: {
        mode: 'OAUTH2',
        authorizationUrl: 'https://a/auth',
        tokenUrl: 'https://${connectionConfig.server}/token',
        tokenResponseMetadata: ['instance_url'],
        callbackMetadata: ['server'],
      },
      api: { baseUrl: '${connectionConfig.instance_url}' },
    });
    expect(result.success).toBe(true);
  });

  it('rejects bad names, header names and regular expressions', () => {
    expect(providerDefinitionSchema.safeParse({ ...base, name: 'Has Caps' }).success).toBe(false);
    expect(
      providerDefinitionSchema.safeParse({
        ...base,
        api: { baseUrl: 'https://x', rateLimit: { remainingHeader: 'bad header' } },
      }).success,
    ).toBe(false);
    expect(
      providerDefinitionSchema.safeParse({ ...base, connectionConfig: { a: { title: 'A', pattern: '(' } } }).success,
    ).toBe(false);
  });
});
