import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ErrorBody } from '../../sdk/contract/errors.js';
import type { AppEnv } from '../app-env.js';
import { ApiError } from '../http/api-error.js';

/** Maps any thrown error to the documented error shape; unknown errors become a 500 with nothing leaked. */
export function handleError(err: Error, c: Context<AppEnv>): Response {
  const requestId = c.get('requestId');
  if (err instanceof ApiError) {
    const body: ErrorBody = { error: { code: err.code, message: err.message } };
    if (err.errors) body.error.errors = err.errors;
    if (err.extra && 'payload' in err.extra) body.error.payload = err.extra.payload;
    if (err.extra?.upstream) body.error.upstream = err.extra.upstream as ErrorBody['error']['upstream'];
    for (const [name, value] of Object.entries(err.headers ?? {})) c.header(name, value);
    return c.json(body, err.status);
  }
  if (err instanceof HTTPException && err.status < 500) {
    return c.json({ error: { code: 'invalid_body', message: err.message } } satisfies ErrorBody, err.status);
  }
  // Log the class and the first line of the message only; query parameters (which drizzle appends
  // after "params:") are cut, so request data and credentials never reach the log.
  const message = (err.message.split('\n')[0] ?? '').replace(/params:.*$/i, 'params: [redacted]').slice(0, 300);
  console.error(JSON.stringify({ level: 'error', requestId, error: err.name, message }));
  return c.json(
    {
      error: {
        code: 'internal_error',
        message: `Something went wrong on our side. Quote request id ${requestId} when reporting it.`,
        request_id: requestId,
      },
    } satisfies ErrorBody,
    500,
  );
}

export function handleNotFound(c: Context<AppEnv>): Response {
  return c.json(
    {
      error: { code: 'not_found', message: `No route for ${c.req.method} ${new URL(c.req.url).pathname}` },
    } satisfies ErrorBody,
    404,
  );
}
