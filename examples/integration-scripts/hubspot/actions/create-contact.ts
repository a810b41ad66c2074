import { ActionError, createAction } from 'nango';
import { z } from 'zod';

/**
 * HubSpot CRM: POST /crm/v3/objects/contacts. A contact whose email exists already is a 409 whose
 * message names the existing id ("Contact already exists. Existing ID: 123").
 */
export default createAction({
  description: 'Create a contact',
  version: '1.0.0',
  input: z.object({
    email: z.email(),
    firstname: z.string().optional(),
    lastname: z.string().optional(),
    company: z.string().optional(),
  }),
  output: z.object({ id: z.string(), created: z.boolean() }),
  scopes: ['crm.objects.contacts.write'],
  exec: async (nango, input) => {
    try {
      const { data } = await nango.post<{ id: string }>({
        endpoint: '/crm/v3/objects/contacts',
        data: { properties: input },
        retries: 3,
      });
      return { id: data.id, created: true };
    } catch (err) {
      const response = (err as { response?: { status?: number; data?: { message?: string } } }).response;
      const existing = /Existing ID: (\d+)/.exec(response?.data?.message ?? '')?.[1];
      if (response?.status === 409 && existing) return { id: existing, created: false };
      if (response?.status === 409)
        throw new ActionError({ message: 'HubSpot reports a conflict', details: response.data });
      throw err;
    }
  },
});
