import { describe, expect, it } from 'vitest';
import { type ProviderDefinitionInput, providerDefinitionSchema } from '../../../sdk/contract/provider-definition.js';
import { builtinProviders } from '../../../workers/providers/builtin.js';
import {
  allowsCustomHosts,
  hostMatches,
  type ProviderUrlInput,
  resolveProviderUrl,
} from '../../../workers/providers/provider-url.js';

const define = (input: Omit<ProviderDefinitionInput, 'name' | 'displayName'>) =>
  providerDefinitionSchema.parse({ name: 'p', displayName: 'P', ...input });

const oauth = {
  mode: 'OAUTH2' as const,
  authorizationUrl: 'https://example.com/auth',
  tokenUrl: 'https://example.com/token',
};

function resolve(
  template: string,
  provider: ReturnType<typeof define>,
  connectionConfig: Record<string, string>,
  options: Partial<ProviderUrlInput> = {},
) {
  const result = resolveProviderUrl(template, {
    provider,
    vars: { connectionConfig },
    mode: 'production',
    allowCustomHosts: false,
    ...options,
  });
  return result.ok ? result.url.toString() : result;
}

describe('provider URLs: where a template may send a request', () => {
  const zendesk = define({ auth: { mode: 'API_KEY' }, connectionConfig: { subdomain: { title: 'Subdomain' } } });
  const pinned = 'https://${connectionConfig.subdomain}.zendesk.com/api/v2';

  it('keeps a value embedded before a fixed domain under that domain', () => {
    expect(resolve(pinned, zendesk, { subdomain: 'acme' })).toBe('https://acme.zendesk.com/api/v2');
    for (const subdomain of ['evil.example#', 'a@evil.example', 'evil.example/x?', 'evil.example:443\\'])
      expect(resolve(pinned, zendesk, { subdomain })).toEqual({
        ok: false,
        reason: 'host_not_allowed',
        fields: ['connectionConfig.subdomain'],
      });
  });

  it('a whole-host value must match the declared hosts: Zoho accounts servers, ServiceNow instances', () => {
    const zoho = builtinProviders().get('zoho-crm');
    if (zoho?.auth.mode !== 'OAUTH2') throw new Error('zoho-crm is in the catalog');
    const tokenUrl = zoho.auth.tokenUrl;
    expect(resolve(tokenUrl, zoho, { 'accounts-server': 'https://accounts.zoho.eu' })).toBe(
      'https://accounts.zoho.eu/oauth/v2/token',
    );
    for (const server of [
      'https://evil.example',
      'https://accounts.zoho.eu.evil.example',
      'https://evil.example/accounts.zoho.eu',
      'https://accounts.zoho.eu@evil.example',
      'http://accounts.zoho.eu', // a scheme from a value never downgrades a production call
      'http://127.0.0.1:9999',
    ])
      expect(resolve(tokenUrl, zoho, { 'accounts-server': server })).toMatchObject({ ok: false });
    // An enum value picks a fixed host; anything else does not.
    expect(resolve(tokenUrl, zoho, { extension: 'jp' })).toBe('https://accounts.zoho.jp/oauth/v2/token');
    expect(resolve(tokenUrl, zoho, { extension: 'evil.example' })).toMatchObject({ reason: 'host_not_allowed' });

    const servicenow = builtinProviders().get('servicenow');
    if (servicenow?.auth.mode !== 'OAUTH2') throw new Error('servicenow is in the catalog');
    expect(resolve(servicenow.auth.tokenUrl, servicenow, { hostname: 'acme.service-now.com' })).toBe(
      'https://acme.service-now.com/oauth_token.do',
    );
    expect(resolve(servicenow.auth.tokenUrl, servicenow, { hostname: 'evil.example' })).toEqual({
      ok: false,
      reason: 'host_not_allowed',
      fields: ['connectionConfig.hostname'],
    });
  });

  it('a free customer host needs the integration to opt in, and still passes the address policy', () => {
    const selfHosted = define({ auth: oauth, connectionConfig: { domain: { title: 'Domain' } } });
    const template = 'https://${connectionConfig.domain}/oauth/token';
    expect(resolve(template, selfHosted, { domain: 'git.acme.example' })).toMatchObject({
      reason: 'host_not_allowed',
    });
    expect(resolve(template, selfHosted, { domain: 'git.acme.example' }, { allowCustomHosts: true })).toBe(
      'https://git.acme.example/oauth/token',
    );
    expect(resolve(template, selfHosted, { domain: '10.0.0.1' }, { allowCustomHosts: true })).toMatchObject({
      reason: 'private_address',
    });
    expect(allowsCustomHosts('{"allow_custom_hosts":"true"}')).toBe(true);
    expect(allowsCustomHosts('{}')).toBe(false);
    expect(allowsCustomHosts('not json')).toBe(false);
  });

  it('fixed URLs and values outside the host are not host constraints', () => {
    const fixed = define({ auth: oauth, connectionConfig: { tenant: { title: 'Tenant' } } });
    expect(resolve('https://login.example.com/${connectionConfig.tenant}/token', fixed, { tenant: 'a b' })).toBe(
      'https://login.example.com/a%20b/token',
    );
    expect(resolve('https://login.example.com/x', fixed, {})).toBe('https://login.example.com/x');
    expect(resolve('https://login.example.com/${connectionConfig.tenant}', fixed, {})).toEqual({
      ok: false,
      reason: 'missing',
      missing: ['connectionConfig.tenant'],
    });
  });

  it('matches host patterns by whole labels', () => {
    expect(hostMatches('acme.service-now.com', '*.service-now.com')).toBe(true);
    expect(hostMatches('service-now.com', '*.service-now.com')).toBe(false);
    expect(hostMatches('evilservice-now.com', '*.service-now.com')).toBe(false);
    expect(hostMatches('accounts.zoho.eu.', 'accounts.zoho.eu')).toBe(true);
    expect(hostMatches('ACCOUNTS.ZOHO.EU', 'accounts.zoho.eu')).toBe(true);
  });

  it('every catalog template whose host takes a value is pinned, enumerated or declares hosts', () => {
    // These serve self-hosted or customer-domain instances only: they genuinely need a free host and
    // work when the integration opts in with allow_custom_hosts.
    const freeHosts = new Set(['woocommerce', 'jira-data-center']);
    const unconstrained: string[] = [];
    for (const [name, provider] of builtinProviders()) {
      const templates = [
        ...Object.entries(provider.auth).filter(([k, v]) => typeof v === 'string' && /url/i.test(k)),
        ['api.baseUrl', provider.api?.baseUrl],
      ].filter((entry): entry is [string, string] => typeof entry[1] === 'string');
      for (const [where, template] of templates)
        for (const alternative of template.split('||')) {
          const fields = [...alternative.matchAll(/\$\{\s*connectionConfig\.([^}\s]+)\s*\}/g)].map((m) => m[1] ?? '');
          if (fields.length === 0) continue;
          // Probe with a host the catalog cannot have meant: accepted only if the template pins the domain.
          const probe = Object.fromEntries(fields.map((f) => [f, 'probe.pier-evil.example']));
          const result = resolveProviderUrl(alternative, {
            provider,
            vars: { connectionConfig: probe },
            mode: 'production',
            allowCustomHosts: false,
          });
          if (result.ok && result.url.hostname.endsWith('pier-evil.example') && !freeHosts.has(name))
            unconstrained.push(`${name} ${where}: ${alternative.trim()}`);
        }
    }
    expect(unconstrained).toEqual([]);
  });
});
