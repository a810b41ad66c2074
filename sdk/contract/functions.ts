import { z } from 'zod';
import { isoDateTime, uniqueKeySchema } from './common.js';
import { connectionIdSchema } from './connections.js';

/** Deployed integration scripts ("functions"), their deployment, and actions. */

export const FUNCTION_TYPES = ['action', 'sync', 'on-event'] as const;
export const functionTypeSchema = z.enum(FUNCTION_TYPES);
export type FunctionType = z.infer<typeof functionTypeSchema>;

export const ON_EVENT_NAMES = ['post-connection-creation', 'pre-connection-deletion', 'validate-connection'] as const;

/** A script name: a file name without `.ts` (`create-issue`, `fetchContacts`). */
export const functionNameSchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'letters, digits, "_" and "-" only');

const jsonSchemaSchema = z.record(z.string(), z.unknown());

/** What the CLI learns from a compiled script: everything but its code. */
export const functionDefinitionSchema = z.object({
  name: functionNameSchema,
  type: functionTypeSchema,
  description: z.string().max(2_000).optional(),
  version: z.string().max(64).optional(),
  scopes: z.array(z.string().max(255)).max(200).optional(),
  /** Actions: JSON Schema of the input and output. */
  input_schema: jsonSchemaSchema.optional(),
  output_schema: jsonSchemaSchema.optional(),
  /** Syncs: JSON Schema per model name. */
  models: z.record(z.string().min(1).max(255), jsonSchemaSchema).optional(),
  metadata_schema: jsonSchemaSchema.optional(),
  checkpoint_schema: jsonSchemaSchema.optional(),
  frequency: z.string().max(100).optional(),
  auto_start: z.boolean().optional(),
  track_deletes: z.boolean().optional(),
  webhook_subscriptions: z.array(z.string().max(255)).max(100).optional(),
  event: z.enum(ON_EVENT_NAMES).optional(),
});
export type FunctionDefinition = z.infer<typeof functionDefinitionSchema>;

/** Largest bundle one script may have (D1 keeps it in one row locally). */
export const MAX_BUNDLE_BYTES = 1_500_000;

export const deployFunctionSchema = functionDefinitionSchema.extend({
  integration: uniqueKeySchema,
  /** The ES module the CLI built (`export default { fetch }`). */
  bundle: z.string().min(1).max(MAX_BUNDLE_BYTES),
});

export const deployBodySchema = z
  .object({
    /** The integrations this deploy describes completely: their functions not listed are removed. */
    integrations: z.array(uniqueKeySchema).min(1).max(500),
    functions: z.array(deployFunctionSchema).max(2_000),
    /** Only compute the plan. */
    dry_run: z.boolean().optional(),
    /** Allow removals (and other destructive changes) without which the deploy is refused with 409. */
    allow_destructive: z.boolean().optional(),
  })
  .superRefine((body, ctx) => {
    const seen = new Set<string>();
    body.functions.forEach((fn, i) => {
      const key = `${fn.integration}/${fn.type}/${fn.name}`;
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['functions', i], message: `${key} appears twice` });
      seen.add(key);
      if (!body.integrations.includes(fn.integration))
        ctx.addIssue({
          code: 'custom',
          path: ['functions', i, 'integration'],
          message: `"${fn.integration}" is not in integrations`,
        });
    });
  });

const planEntrySchema = z.object({ integration: z.string(), type: functionTypeSchema, name: z.string() });
export const deployPlanSchema = z.object({
  create: z.array(planEntrySchema),
  update: z.array(planEntrySchema.extend({ changes: z.array(z.string()) })),
  unchanged: z.array(planEntrySchema),
  remove: z.array(planEntrySchema),
  /** Human-readable destructive changes (removals, removed or renamed models). */
  destructive: z.array(z.string()),
});
export type DeployPlan = z.infer<typeof deployPlanSchema>;

export const deployResponseSchema = z.object({
  data: z.object({ plan: deployPlanSchema, applied: z.boolean() }),
});

/** A deployed function, in the reference API's shape (`DeployedNangoFunction`). */
export const deployedFunctionSchema = z.object({
  id: z.number(),
  name: z.string(),
  type: functionTypeSchema,
  description: z.string().optional(),
  scopes: z.array(z.string()).optional(),
  version: z.string().nullable(),
  input: z.string().optional(),
  returns: z.array(z.string()).optional(),
  json_schema: z.record(z.string(), z.unknown()).nullable().optional(),
  runs: z.string().nullable().optional(),
  auto_start: z.boolean().optional(),
  track_deletes: z.boolean().optional(),
  event: z.enum(ON_EVENT_NAMES).optional(),
  enabled: z.boolean(),
  last_deployed: isoDateTime,
  source: z.literal('repo'),
});
export type DeployedFunction = z.infer<typeof deployedFunctionSchema>;

export const functionPathSchema = z.object({ uniqueKey: uniqueKeySchema, name: functionNameSchema });
export const listFunctionsQuerySchema = z.object({
  type: functionTypeSchema.optional(),
  search: z.string().min(1).max(255).optional(),
  page: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export const getFunctionQuerySchema = z.object({ type: functionTypeSchema.optional() });
export const deleteFunctionQuerySchema = z.object({ type: z.enum(['sync', 'action']) });
export const listFunctionsResponseSchema = z.object({
  data: z.array(deployedFunctionSchema),
  pagination: z.object({ total: z.number(), page: z.number(), limit: z.number() }),
});

/** `POST /action/trigger` (with `Connection-Id` and `Provider-Config-Key`). */
export const triggerActionBodySchema = z.object({
  action_name: functionNameSchema,
  input: z.unknown().optional(),
});
export const triggerActionHeadersSchema = z.object({
  'connection-id': connectionIdSchema,
  'provider-config-key': uniqueKeySchema,
  'x-async': z.enum(['true', 'false']).optional(),
  'x-max-retries': z.coerce.number().int().min(0).max(5).optional(),
});

/** `POST /functions/dryrun`: run a compiled script against a real connection, persisting nothing. */
export const dryrunBodySchema = z.object({
  integration: uniqueKeySchema,
  connection_id: connectionIdSchema,
  function: functionDefinitionSchema.pick({ name: true, type: true }),
  bundle: z.string().min(1).max(MAX_BUNDLE_BYTES),
  input: z.unknown().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  checkpoint: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
    .nullable()
    .optional(),
  last_sync_date: isoDateTime.optional(),
  variant: z.string().max(255).optional(),
});

export const scriptLogLineSchema = z.object({
  level: z.enum(['debug', 'info', 'warn', 'error']),
  message: z.string(),
  at: z.string(),
});
export const dryrunResponseSchema = z.object({
  data: z.object({
    ok: z.boolean(),
    output: z.unknown().optional(),
    error: z.object({ code: z.string(), message: z.string(), payload: z.unknown().optional() }).optional(),
    logs: z.array(scriptLogLineSchema),
    checkpoint: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .nullable()
      .optional(),
    duration_ms: z.number(),
  }),
});
