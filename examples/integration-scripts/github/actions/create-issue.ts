import { ActionError, createAction } from 'nango';
import { z } from 'zod';

/** GitHub REST: POST /repos/{owner}/{repo}/issues (201 with the issue; 404/410/422 otherwise). */
export default createAction({
  description: 'Open an issue in a repository',
  version: '1.0.0',
  input: z.object({
    owner: z.string().min(1),
    repo: z.string().min(1),
    title: z.string().min(1).max(256),
    body: z.string().optional(),
    labels: z.array(z.string()).optional(),
  }),
  output: z.object({ id: z.string(), number: z.number().int(), url: z.string() }),
  scopes: ['repo'],
  exec: async (nango, input) => {
    try {
      const { data } = await nango.post<{ id: number; number: number; html_url: string }>({
        endpoint: `/repos/${encodeURIComponent(input.owner)}/${encodeURIComponent(input.repo)}/issues`,
        data: { title: input.title, body: input.body, labels: input.labels },
        headers: { accept: 'application/vnd.github+json' },
        retries: 2,
      });
      return { id: String(data.id), number: data.number, url: data.html_url };
    } catch (err) {
      const status = (err as { response?: { status?: number } }).response?.status;
      if (status === 404 || status === 410)
        throw new ActionError({
          message: `No repository ${input.owner}/${input.repo} (or issues are disabled)`,
          status,
        });
      throw err;
    }
  },
});
