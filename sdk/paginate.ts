import type { z } from 'zod';
import type { wirePaginationSchema } from './contract/providers.js';

/**
 * Catalog-driven pagination, with no I/O of its own: the caller supplies `fetchPage` (the SDK sends it
 * through `/proxy`; scripts will send it through their connection). Field names are the catalog's
 * (`GET /providers/:name` → `proxy.paginate`), so a provider's entry and per-call overrides merge.
 */
export type PaginateConfig = Partial<z.infer<typeof wirePaginationSchema>> & {
  /** Page size, sent as `limit_name_in_request` when the provider names one. */
  limit?: number;
};

export type PageRequest = {
  /** Query parameters for this page (the caller's plus the paging ones). */
  params: Record<string, string>;
  /** An absolute next-page URL given by the provider (link pagination), when there is one. */
  url?: string;
};

export type PageResponse = { headers: Headers; data: unknown };

/** Reads `a.b.c` from a JSON value. */
export function readPath(value: unknown, path: string | undefined): unknown {
  if (!path) return value;
  let current = value;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** The URL of the `rel` entry of an RFC 8288 `Link` header. */
export function linkFromHeader(header: string | null, rel = 'next'): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (!match) continue;
    const rels = /;\s*rel\s*=\s*"?([^";]+)"?/i.exec(match[2] ?? '')?.[1]?.split(/\s+/) ?? [];
    if (rels.includes(rel)) return match[1];
  }
  return undefined;
}

function recordsOf<T>(data: unknown, responsePath: string | undefined): T[] {
  const found = readPath(data, responsePath);
  if (Array.isArray(found)) return found as T[];
  if (responsePath === undefined) {
    // No path given: the first array among the top-level values (e.g. `{ items: [...] }`).
    if (data && typeof data === 'object')
      for (const value of Object.values(data)) if (Array.isArray(value)) return value as T[];
  }
  return [];
}

/**
 * Yields one page of records at a time until the provider has no more.
 *
 * @example
 * for await (const page of paginate(fetchPage, { type: 'cursor', cursor_path_in_response: 'meta.next_cursor', cursor_name_in_request: 'cursor', response_path: 'items' })) …
 */
export async function* paginate<T = unknown>(
  fetchPage: (request: PageRequest) => Promise<PageResponse>,
  config: PaginateConfig,
  params: Record<string, string> = {},
): AsyncGenerator<T[], void, undefined> {
  if (!config.type) throw new TypeError('paginate: this provider declares no pagination; pass paginate.type');
  const base = { ...params };
  if (config.limit !== undefined && config.limit_name_in_request)
    base[config.limit_name_in_request] = String(config.limit);

  switch (config.type) {
    case 'cursor': {
      const { cursor_name_in_request: name, cursor_path_in_response: path } = config;
      if (!name || !path)
        throw new TypeError('paginate: cursor pagination needs cursor_name_in_request and cursor_path_in_response');
      const seen = new Set<string>();
      let cursor: string | undefined;
      for (;;) {
        const page = await fetchPage({ params: cursor === undefined ? base : { ...base, [name]: cursor } });
        const records = recordsOf<T>(page.data, config.response_path);
        if (records.length > 0) yield records;
        const next = readPath(page.data, path);
        if (records.length === 0 || next === undefined || next === null || next === '') return;
        cursor = String(next);
        if (seen.has(cursor)) return;
        seen.add(cursor);
      }
    }
    case 'link': {
      let request: PageRequest = { params: base };
      const seen = new Set<string>();
      for (;;) {
        const page = await fetchPage(request);
        const records = recordsOf<T>(page.data, config.response_path);
        if (records.length > 0) yield records;
        const next = config.link_path_in_response_body
          ? readPath(page.data, config.link_path_in_response_body)
          : linkFromHeader(page.headers.get('link'), config.link_rel_in_response_header ?? 'next');
        if (records.length === 0 || typeof next !== 'string' || !next || seen.has(next)) return;
        seen.add(next);
        request = { params: {}, url: next };
      }
    }
    case 'offset': {
      const name = config.offset_name_in_request;
      if (!name) throw new TypeError('paginate: offset pagination needs offset_name_in_request');
      const perPage = config.offset_calculation_method === 'per-page';
      let offset = config.offset_start_value ?? 0;
      for (;;) {
        const page = await fetchPage({ params: { ...base, [name]: String(offset) } });
        const records = recordsOf<T>(page.data, config.response_path);
        if (records.length === 0) return;
        yield records;
        if (config.limit !== undefined && records.length < config.limit) return;
        offset += perPage ? 1 : records.length;
      }
    }
  }
}

/** What one page's proxied call is made of: the first page's endpoint and query, or a next-page URL's. */
export type PageCall = { endpoint: string; params: Record<string, string>; baseUrlOverride: string | undefined };

/**
 * Every page of a proxied endpoint: `callProxy` makes one GET (or the config's method) through the
 * proxy; next-page URLs given by the provider are followed on their own host (`baseUrlOverride`).
 * Shared by the backend client and the script context.
 */
export function pagesThroughProxy<T>(
  config: { endpoint: string; params?: Record<string, unknown>; baseUrlOverride?: string },
  pagination: PaginateConfig,
  callProxy: (call: PageCall) => Promise<PageResponse>,
): AsyncGenerator<T[], void, undefined> {
  const params = Object.fromEntries(Object.entries(config.params ?? {}).map(([k, v]) => [k, String(v)]));
  return paginate<T>(
    (page) => {
      const next = page.url ? new URL(page.url) : undefined;
      return callProxy({
        endpoint: next ? next.pathname : config.endpoint,
        params: next ? Object.fromEntries(next.searchParams) : page.params,
        baseUrlOverride: next ? next.origin : config.baseUrlOverride,
      });
    },
    pagination,
    params,
  );
}
