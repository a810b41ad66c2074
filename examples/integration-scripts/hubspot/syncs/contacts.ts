import { createSync } from 'nango';
import { z } from 'zod';

const Contact = z.object({
  id: z.string(),
  email: z.string().nullable(),
  firstname: z.string().nullable(),
  lastname: z.string().nullable(),
  lastmodifieddate: z.string(),
});

/**
 * HubSpot CRM search: POST /crm/v3/objects/contacts/search, sorted by `lastmodifieddate`, paged with
 * the `paging.next.after` cursor, incremental with a `lastmodifieddate >= checkpoint` filter. The
 * checkpoint moves after every page, so a run that stops (time limit, crash) resumes where it was.
 */
export default createSync({
  description: 'Contacts, incrementally by last modification',
  version: '1.0.0',
  frequency: 'every hour',
  autoStart: true,
  models: { Contact },
  checkpoint: z.object({ modifiedSince: z.number() }),
  scopes: ['crm.objects.contacts.read'],
  exec: async (nango) => {
    const checkpoint = await nango.getCheckpoint<{ modifiedSince: number }>();
    let after: string | undefined;
    for (;;) {
      const { data } = await nango.post<{
        results: { id: string; properties: Record<string, string | null> }[];
        paging?: { next?: { after: string } };
      }>({
        endpoint: '/crm/v3/objects/contacts/search',
        data: {
          filterGroups: checkpoint
            ? [
                {
                  filters: [
                    { propertyName: 'lastmodifieddate', operator: 'GTE', value: String(checkpoint.modifiedSince) },
                  ],
                },
              ]
            : [],
          sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }],
          properties: ['email', 'firstname', 'lastname', 'lastmodifieddate'],
          limit: 100,
          ...(after ? { after } : {}),
        },
        retries: 3,
      });
      const contacts = data.results.map((c) => ({
        id: c.id,
        email: c.properties.email ?? null,
        firstname: c.properties.firstname ?? null,
        lastname: c.properties.lastname ?? null,
        lastmodifieddate: c.properties.lastmodifieddate ?? '',
      }));
      await nango.batchSave(contacts, 'Contact');
      const last = contacts.at(-1);
      if (last?.lastmodifieddate) await nango.saveCheckpoint({ modifiedSince: Date.parse(last.lastmodifieddate) });
      after = data.paging?.next?.after;
      if (!after) break;
    }
  },
});
