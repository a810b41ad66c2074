import { z } from 'zod';

export const successResponseSchema = z.object({ success: z.literal(true) });
export const isoDateTime = z.iso.datetime({ offset: true });
/** Integration and connection keys appear in URLs and headers: keep them to safe characters. */
export const uniqueKeySchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._~-]*$/, 'letters, digits, ".", "_", "~" and "-" only');
