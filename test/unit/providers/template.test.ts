import { describe, expect, it } from 'vitest';
import { interpolate, interpolateAll } from '../../../workers/providers/template.js';

describe('catalog templates', () => {
  it('fills connection config, credentials and token placeholders', () => {
    expect(
      interpolate('https://${connectionConfig.subdomain}.zendesk.com/api/v2', {
        connectionConfig: { subdomain: 'acme' },
      }),
    ).toEqual({
      ok: true,
      value: 'https://acme.zendesk.com/api/v2',
      template: 'https://${connectionConfig.subdomain}.zendesk.com/api/v2',
    });
    expect(interpolate('Bearer ${apiKey}', { apiKey: 'k' })).toEqual({
      ok: true,
      value: 'Bearer k',
      template: 'Bearer ${apiKey}',
    });
    expect(interpolate('${credentials.privateKey.id}', { credentials: { privateKey: { id: 'kid' } } })).toEqual({
      ok: true,
      value: 'kid',
      template: '${credentials.privateKey.id}',
    });
    // A stored key may contain dots itself (a nested token-response field kept flat).
    expect(
      interpolate('${connectionConfig.installation.apiEndPoint}', {
        connectionConfig: { 'installation.apiEndPoint': 'https://acme.teamwork.com' },
      }),
    ).toMatchObject({ ok: true, value: 'https://acme.teamwork.com' });
  });

  it('takes the first alternative whose placeholders are all known', () => {
    const t =
      'https://${connectionConfig.hostname}/services/oauth2/token || https://login.salesforce.com/services/oauth2/token';
    expect(interpolate(t, { connectionConfig: { hostname: 'acme.my.salesforce.com' } })).toEqual({
      ok: true,
      value: 'https://acme.my.salesforce.com/services/oauth2/token',
      template: 'https://${connectionConfig.hostname}/services/oauth2/token',
    });
    expect(interpolate(t, { connectionConfig: {} })).toEqual({
      ok: true,
      value: 'https://login.salesforce.com/services/oauth2/token',
      template: 'https://login.salesforce.com/services/oauth2/token',
    });
  });

  it('reports every missing placeholder; empty strings count as missing', () => {
    expect(interpolate('${connectionConfig.a}/${connectionConfig.b}', { connectionConfig: { a: '' } })).toEqual({
      ok: false,
      missing: ['connectionConfig.a', 'connectionConfig.b'],
    });
    expect(interpolateAll({ x: '${apiKey}', y: 'static' }, {})).toEqual({ ok: false, missing: ['apiKey'] });
    expect(interpolateAll({ y: 'static' }, {})).toEqual({ ok: true, value: { y: 'static' } });
  });
});
