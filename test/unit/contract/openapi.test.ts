import { validate } from '@readme/openapi-parser';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../../sdk/contract/openapi.js';
import { ROUTES } from '../../../sdk/contract/routes.js';

describe('OpenAPI document', () => {
  const doc = buildOpenApiDocument({ serverUrl: 'http://127.0.0.1:3003', version: '0.1.0' });

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid ? [] : result.errors).toEqual([]);
  });

  it('documents every route in the contract, with request schemas from the same zod schemas', () => {
    const paths = doc.paths as Record<string, Record<string, any>>;
    for (const route of ROUTES)
      expect(paths[route.path]?.[route.method], `${route.method} ${route.path}`).toBeDefined();
    const create = paths['/integrations']?.post;
    expect(create.requestBody.content['application/json'].schema.required).toEqual(['unique_key', 'provider']);
    expect(paths['/integrations/{uniqueKey}']?.get.parameters.map((p: { name: string }) => p.name)).toEqual([
      'uniqueKey',
      'include',
    ]);
  });
});
