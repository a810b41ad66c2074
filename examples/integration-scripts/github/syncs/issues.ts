import { createSync } from 'nango';
import { z } from 'zod';

const Issue = z.object({
  id: z.string(),
  number: z.number().int(),
  title: z.string(),
  state: z.string(),
  url: z.string(),
  updated_at: z.string(),
});

/**
 * GitHub REST: GET /repos/{owner}/{repo}/issues, `Link`-header pagination (`per_page` ≤ 100),
 * incremental with `since` (issues updated at or after it) kept in the checkpoint. The repository
 * comes from the connection's metadata (`{ "repo": "owner/name" }`). GitHub's 403/429 rate limits are
 * waited out by the proxy (the catalog declares GitHub's `x-ratelimit-*` headers).
 */
export default createSync({
  description: 'Issues of the repository named in the connection metadata, incrementally',
  version: '1.0.0',
  frequency: 'every 30 minutes',
  autoStart: true,
  models: { Issue },
  metadata: z.object({ repo: z.string() }),
  checkpoint: z.object({ since: z.string() }),
  scopes: ['repo'],
  exec: async (nango) => {
    const { repo } = await nango.getMetadata<{ repo?: string }>();
    if (!repo) {
      await nango.log('No repo in the connection metadata: nothing to sync', { level: 'warn' });
      return;
    }
    const checkpoint = await nango.getCheckpoint<{ since: string }>();
    let newest = checkpoint?.since ?? '';
    for await (const page of nango.paginate<{
      id: number;
      number: number;
      title: string;
      state: string;
      html_url: string;
      updated_at: string;
      pull_request?: unknown;
    }>({
      endpoint: `/repos/${repo}/issues`,
      params: { state: 'all', sort: 'updated', direction: 'asc', ...(checkpoint ? { since: checkpoint.since } : {}) },
      paginate: { type: 'link', limit_name_in_request: 'per_page', link_rel_in_response_header: 'next', limit: 100 },
      retries: 3,
    })) {
      const issues = page
        .filter((i) => !i.pull_request)
        .map((i) => ({
          id: String(i.id),
          number: i.number,
          title: i.title,
          state: i.state,
          url: i.html_url,
          updated_at: i.updated_at,
        }));
      await nango.batchSave(issues, 'Issue');
      for (const i of page) if (i.updated_at > newest) newest = i.updated_at;
      if (newest) await nango.saveCheckpoint({ since: newest });
    }
  },
});
