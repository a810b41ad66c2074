import { createSync } from 'nango';
import { z } from 'zod';

const Ticket = z.object({ id: z.string(), subject: z.string(), status: z.string(), updated_at: z.string() });

/**
 * Zendesk Support: GET /api/v2/tickets.json with cursor pagination (`page[size]`, `links.next`). A full
 * pass every run with deletion tracking: a ticket the pass does not see (deleted in Zendesk) is
 * marked deleted in the records.
 */
export default createSync({
  description: 'All tickets, with deletions',
  version: '1.0.0',
  frequency: 'every day',
  autoStart: true,
  models: { Ticket },
  scopes: ['tickets:read'],
  exec: async (nango) => {
    await nango.trackDeletesStart('Ticket');
    for await (const page of nango.paginate<{ id: number; subject: string; status: string; updated_at: string }>({
      endpoint: '/api/v2/tickets.json',
      paginate: {
        type: 'link',
        link_path_in_response_body: 'links.next',
        limit_name_in_request: 'page[size]',
        limit: 100,
        response_path: 'tickets',
      },
      retries: 3,
    })) {
      await nango.batchSave(
        page.map((t) => ({ id: String(t.id), subject: t.subject, status: t.status, updated_at: t.updated_at })),
        'Ticket',
      );
    }
    const deleted = await nango.trackDeletesEnd('Ticket');
    await nango.log(`Full pass done; ${deleted} tickets no longer in Zendesk`, { level: 'info' });
  },
});
