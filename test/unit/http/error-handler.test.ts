import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AppEnv } from '../../../workers/app-env.js';
import { ApiError } from '../../../workers/http/api-error.js';
import { readJsonBody } from '../../../workers/http/validate.js';
import { handleError, handleNotFound } from '../../../workers/middleware/error-handler.js';
import { requestId } from '../../../workers/middleware/request-id.js';

function appThatThrows(error: Error) {
  return new Hono<AppEnv>()
    .use(requestId)
    .get('/boom', () => {
      throw error;
    })
    .post('/body', async (c) => c.json(await readJsonBody(c, z.object({ n: z.number() }))))
    .notFound(handleNotFound)
    .onError(handleError);
}

describe('error edge', () => {
  it('turns an unknown error into a 500 internal_error with the request id and nothing leaked', async () => {
    const errors: string[] = [];
    const original = console.error;
    console.error = (line: string) => errors.push(line);
    try {
      const res = await appThatThrows(new Error('db password=abc123 in message')).request('/boom');
      const body = await res.json();
      expect(res.status).toBe(500);
      const id = res.headers.get('x-request-id');
      expect(body).toEqual({
        error: {
          code: 'internal_error',
          message: `Something went wrong on our side. Quote request id ${id} when reporting it.`,
          request_id: id,
        },
      });
      expect(JSON.stringify(body)).not.toContain('abc123');
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain('"error":"Error"');
    } finally {
      console.error = original;
    }
  });

  it('keeps query parameters and later lines out of the log', async () => {
    const errors: string[] = [];
    const original = console.error;
    console.error = (line: string) => errors.push(line);
    try {
      await appThatThrows(
        new Error('Failed query: insert into x values (?) params: sk-secret-value\nmore sk-secret-value'),
      ).request('/boom');
      expect(errors.join('')).not.toContain('sk-secret-value');
      expect(errors.join('')).toContain('params: [redacted]');
    } finally {
      console.error = original;
    }
  });

  it('keeps ApiError status, code, message, issues and headers', async () => {
    const res = await appThatThrows(
      new ApiError('unauthorized', 401, 'nope', [{ code: 'custom', path: ['a'], message: 'm' }], {
        'WWW-Authenticate': 'Bearer',
      }),
    ).request('/boom');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(await res.json()).toEqual({
      error: { code: 'unauthorized', message: 'nope', errors: [{ code: 'custom', path: ['a'], message: 'm' }] },
    });
  });

  it('maps body problems to 4xx, never 500', async () => {
    const app = appThatThrows(new Error('unused'));
    const post = (body: string, type = 'application/json') =>
      app.request('/body', { method: 'POST', body, headers: { 'content-type': type } });
    expect((await post('{"n": "x"}')).status).toBe(400);
    expect(((await (await post('{"n": "x"}')).json()) as any).error).toMatchObject({
      code: 'invalid_body',
      message: 'Invalid body at n: Invalid input: expected number, received string',
      errors: [{ code: 'invalid_type', path: ['n'] }],
    });
    expect((await post('{')).status).toBe(400);
    expect((await post('n=1', 'text/plain')).status).toBe(415);
    expect((await post('{"n": 1}', 'application/vnd.api+json')).status).toBe(200);
  });
});
