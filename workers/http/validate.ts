import type { Context } from 'hono';
import type { z } from 'zod';
import type { ValidationIssue } from '../../sdk/contract/errors.js';
import { ApiError } from './api-error.js';

/** Largest JSON body the API accepts (custom providers are the biggest legitimate ones). */
export const MAX_JSON_BODY_BYTES = 1024 * 1024;

export function toIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({
    code: issue.code,
    path: issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
    message: issue.message,
  }));
}

export function check<T extends z.ZodType>(
  schema: T,
  value: unknown,
  code: 'invalid_body' | 'invalid_query_params' | 'invalid_path_params' | 'invalid_headers',
  what: string,
): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = toIssues(result.error);
  const first = issues[0];
  const where = first && first.path.length > 0 ? ` at ${first.path.join('.')}` : '';
  throw new ApiError(code, 400, `Invalid ${what}${where}: ${first?.message ?? 'did not validate'}`, issues);
}

/**
 * Reads and validates a JSON body: 415 for another content type, 413 past the size limit,
 * 400 `invalid_json` for malformed JSON, 400 `invalid_body` with zod issues for the wrong shape.
 */
export async function readJsonBody<T extends z.ZodType>(
  c: Context,
  schema: T,
  limit = MAX_JSON_BODY_BYTES,
): Promise<z.output<T>> {
  const type = c.req.header('content-type') ?? '';
  const text = await readLimitedText(c.req.raw, limit);
  if (text.trim() === '') return check(schema, undefined, 'invalid_body', 'body');
  if (type && !/^application\/([\w.+-]*\+)?json\b/i.test(type))
    throw new ApiError('unsupported_media_type', 415, 'Send the body as application/json');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError('invalid_json', 400, 'The body is not valid JSON');
  }
  return check(schema, value, 'invalid_body', 'body');
}

async function readLimitedText(request: Request, limit: number): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > limit) throw new ApiError('payload_too_large', 413, `The body is larger than ${limit} bytes`);
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new ApiError('payload_too_large', 413, `The body is larger than ${limit} bytes`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/** Validates the query string; repeated keys arrive as arrays. */
export function readQuery<T extends z.ZodType>(c: Context, schema: T): z.output<T> {
  const all = c.req.queries();
  const query = Object.fromEntries(Object.entries(all).map(([k, v]) => [k, v.length === 1 ? v[0] : v]));
  return check(schema, query, 'invalid_query_params', 'query parameter');
}

export function readParams<T extends z.ZodType>(c: Context, schema: T): z.output<T> {
  return check(schema, c.req.param(), 'invalid_path_params', 'path parameter');
}

/**
 * Reads and validates a JSON request body outside a route (the script host): 413 past `limit`
 * characters, 400 `invalid_json`, 400 `invalid_body` with the zod issues.
 */
export async function readRequestJson<T extends z.ZodType>(
  request: Request,
  schema: T,
  limit: number,
): Promise<z.output<T>> {
  const text = await request.text();
  if (text.length > limit) throw new ApiError('payload_too_large', 413, `The body is larger than ${limit} characters`);
  let value: unknown;
  try {
    value = text ? JSON.parse(text) : undefined;
  } catch {
    throw new ApiError('invalid_json', 400, 'The body is not valid JSON');
  }
  return check(schema, value, 'invalid_body', 'body');
}
