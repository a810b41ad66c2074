import { describe, expect, it } from 'vitest';
import { linkFromHeader, paginate, readPath } from '../../../sdk/paginate.js';
import { joinUrl } from '../../../workers/proxy/authorize-request.js';
import { readProxyOptions } from '../../../workers/proxy/options.js';
import { REDACTED, redactPathAndQuery } from '../../../workers/proxy/redact.js';

describe('proxy request shape', () => {
  it('reads the reference headers and forwards only Nango-Proxy-*/Pier-Proxy-* and body-describing headers', () => {
    const options = readProxyOptions(
      new Headers({
        'connection-id': 'u-1',
        'provider-config-key': 'github',
        retries: '2',
        'retry-on': '409, 418',
        'base-url-override': 'https://uploads.github.com',
        decompress: 'true',
        'pier-rate-limit-wait': '0',
        'nango-proxy-x-github-api-version': '2022-11-28',
        'pier-proxy-if-match': 'W/"1"',
        'nango-proxy-transfer-encoding': 'chunked',
        'nango-proxy-cf-connecting-ip': '1.2.3.4',
        'nango-proxy-x-forwarded-for': '1.2.3.4',
        'content-type': 'application/json',
        cookie: 'a=b',
        authorization: 'Bearer pier-secret',
      }),
    );
    expect(options).toMatchObject({
      connectionId: 'u-1',
      integrationKey: 'github',
      retries: 2,
      retryOn: [409, 418],
      baseUrlOverride: 'https://uploads.github.com',
      decompress: true,
      maxWaitMs: 0,
      forwardHeadersOnRedirect: false,
    });
    expect(options.forwardedHeaders).toEqual({
      'x-github-api-version': '2022-11-28',
      'if-match': 'W/"1"',
      'content-type': 'application/json',
    });
  });

  it('reports every bad header at once', () => {
    try {
      readProxyOptions(new Headers({ 'connection-id': 'bad id!', retries: '-1', decompress: 'maybe' }));
      expect.unreachable();
    } catch (err) {
      const paths = (err as { errors: { path: string[] }[] }).errors.map((e) => e.path[1]);
      expect(paths.sort()).toEqual(['connection-id', 'decompress', 'provider-config-key', 'retries']);
    }
  });

  it('takes every connection id the connections API accepts, and clamps Retries to the cap', () => {
    for (const id of ['a@b.com', 'x:y', 'a+b', 'user_1.2~3-4'])
      expect(readProxyOptions(new Headers({ 'connection-id': id, 'provider-config-key': 'github' })).connectionId).toBe(
        id,
      );
    const clamped = readProxyOptions(new Headers({ 'connection-id': 'c', 'provider-config-key': 'g', retries: '99' }));
    expect(clamped.retries).toBe(10);
  });

  it('joins base URL, path and query without re-encoding what the caller sent', () => {
    expect(joinUrl('https://api.example.com/v2/', '/users?q=a%20b&x=1+2', { key: 'k v' }).toString()).toBe(
      'https://api.example.com/v2/users?q=a%20b&x=1+2&key=k%20v',
    );
    expect(joinUrl('https://api.example.com', '', {}).toString()).toBe('https://api.example.com/');
  });

  it('redacts secret-looking query values and known secrets, nothing else', () => {
    expect(redactPathAndQuery('/v1/items?limit=5&api_key=abc&access_token=t&q=ok', [])).toBe(
      `/v1/items?limit=5&api_key=${REDACTED}&access_token=${REDACTED}&q=ok`,
    );
    expect(redactPathAndQuery('/users/sk-live-123456/profile?x=sk-live-123456', ['sk-live-123456'])).toBe(
      `/users/${REDACTED}/profile?x=${REDACTED}`,
    );
    expect(redactPathAndQuery('/plain', [])).toBe('/plain');
  });

  it('redacts passwords, refresh tokens, sessions, signatures and JWT-looking values by name or by shape', () => {
    for (const name of [
      'pass',
      'user_pass',
      'refresh',
      'refresh_token',
      'jwt',
      'id_jwt',
      'session',
      'sessionId',
      'sig',
      'x-amz-signature',
      'hmac',
      'otp',
      'assertion',
    ])
      expect(redactPathAndQuery(`/v1?${name}=s3cr3t-value&q=ok`, [])).toBe(`/v1?${name}=${REDACTED}&q=ok`);
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
    expect(redactPathAndQuery(`/tokens/${jwt}/info?t=${jwt}&q=ok`, [])).toBe(
      `/tokens/${REDACTED}/info?t=${REDACTED}&q=ok`,
    );
    // Ordinary names stay readable.
    expect(redactPathAndQuery('/v1?page=2&passenger=3&keyword=x&sort=desc', [])).toBe(
      '/v1?page=2&passenger=3&keyword=x&sort=desc',
    );
  });
});

describe('pagination', () => {
  const pages = (all: number[], size: number) =>
    Array.from({ length: Math.ceil(all.length / size) }, (_, i) => all.slice(i * size, (i + 1) * size));

  it('parses RFC 8288 Link headers', () => {
    const header = '<https://api.github.com/x?page=2>; rel="next", <https://api.github.com/x?page=5>; rel="last"';
    expect(linkFromHeader(header)).toBe('https://api.github.com/x?page=2');
    expect(linkFromHeader(header, 'last')).toBe('https://api.github.com/x?page=5');
    expect(linkFromHeader(null)).toBeUndefined();
    expect(readPath({ a: { b: [1] } }, 'a.b')).toEqual([1]);
  });

  it('follows a cursor until it is empty and stops on a repeated cursor', async () => {
    const seen: Record<string, string>[] = [];
    const got: number[][] = [];
    for await (const page of paginate<number>(
      async ({ params }) => {
        seen.push(params);
        const at = Number(params.after ?? 0);
        return { headers: new Headers(), data: { rows: [at, at + 1], next: at < 4 ? String(at + 2) : null } };
      },
      {
        type: 'cursor',
        cursor_name_in_request: 'after',
        cursor_path_in_response: 'next',
        response_path: 'rows',
        limit_name_in_request: 'n',
        limit: 2,
      },
      { filter: 'x' },
    ))
      got.push(page);
    expect(got).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
    expect(seen[1]).toEqual({ filter: 'x', n: '2', after: '2' });

    let calls = 0;
    for await (const _ of paginate(
      async () => {
        calls++;
        return { headers: new Headers(), data: { rows: [1], next: 'same' } };
      },
      { type: 'cursor', cursor_name_in_request: 'c', cursor_path_in_response: 'next', response_path: 'rows' },
    ));
    expect(calls).toBe(2);
  });

  it('counts offsets per page or by records', async () => {
    const all = Array.from({ length: 7 }, (_, i) => i);
    const offsets: string[] = [];
    for await (const _ of paginate(
      async ({ params }) => {
        offsets.push(params.page ?? '');
        return { headers: new Headers(), data: pages(all, 3)[Number(params.page) - 1] ?? [] };
      },
      { type: 'offset', offset_name_in_request: 'page', offset_start_value: 1, offset_calculation_method: 'per-page' },
    ));
    expect(offsets).toEqual(['1', '2', '3', '4']);
    const byRecords: string[] = [];
    for await (const _ of paginate(
      async ({ params }) => {
        byRecords.push(params.offset ?? '');
        const at = Number(params.offset);
        return { headers: new Headers(), data: all.slice(at, at + 3) };
      },
      { type: 'offset', offset_name_in_request: 'offset', limit_name_in_request: 'limit', limit: 3 },
    ));
    expect(byRecords).toEqual(['0', '3', '6']);
  });

  it('needs a type and the fields of its kind', async () => {
    await expect(paginate(async () => ({ headers: new Headers(), data: [] }), {}).next()).rejects.toThrow(TypeError);
    await expect(
      paginate(async () => ({ headers: new Headers(), data: [] }), { type: 'cursor' }).next(),
    ).rejects.toThrow(/cursor_name_in_request/);
  });
});
