import type { ScriptContext } from './context.js';

/**
 * Definitions of integration scripts, in the shape of Nango's zero-YAML scripts: each file
 * default-exports one of these. The functions only tag the definition; the CLI reads it at compile
 * time and the runtime runs `exec`.
 */

/** A schema the script validates with: zod's (v3 or v4) — anything with `safeParse`. */
export type Schema<T = unknown> = {
  safeParse(
    value: unknown,
  ):
    | { success: true; data: T }
    | { success: false; error: { issues: { code: string; path: PropertyKey[]; message: string }[] } };
};
type Infer<S> = S extends Schema<infer T> ? T : unknown;

export type Checkpoint = Record<string, string | number | boolean>;

export type ActionDefinition<I extends Schema = Schema, O extends Schema = Schema> = {
  description: string;
  version?: string;
  input: I;
  output: O;
  metadata?: Schema;
  checkpoint?: Schema;
  scopes?: string[];
  /** Deprecated in Nango; kept so existing scripts compile. */
  endpoint?: unknown;
  exec(nango: ScriptContext, input: Infer<I>): Promise<Infer<O>> | Infer<O>;
};

export type SyncDefinition<M extends Record<string, Schema> = Record<string, Schema>> = {
  description: string;
  version?: string;
  /** `'every hour'`, `'every 30 minutes'`, `'30m'`… (30 seconds at least). */
  frequency: string;
  models: M;
  checkpoint?: Schema;
  metadata?: Schema;
  autoStart?: boolean;
  webhookSubscriptions?: string[];
  scopes?: string[];
  /** Deprecated in Nango; accepted and ignored. */
  endpoints?: unknown;
  syncType?: 'full' | 'incremental';
  trackDeletes?: boolean;
  exec(nango: ScriptContext): Promise<void> | void;
  onWebhook?(nango: ScriptContext, payload: unknown): Promise<void> | void;
};

export const ON_EVENTS = ['post-connection-creation', 'pre-connection-deletion', 'validate-connection'] as const;
export type OnEventName = (typeof ON_EVENTS)[number];

export type OnEventDefinition = {
  event: OnEventName;
  description?: string;
  version?: string;
  exec(nango: ScriptContext): Promise<unknown> | unknown;
};

export type ScriptDefinition =
  | ({ type: 'action' } & ActionDefinition)
  | ({ type: 'sync' } & SyncDefinition)
  | ({ type: 'on-event' } & OnEventDefinition);

/** @example export default createAction({ description: 'Create an issue', input: z.object({ title: z.string() }), output: z.object({ id: z.number() }), exec: async (nango, input) => … }) */
export function createAction<I extends Schema, O extends Schema>(
  definition: ActionDefinition<I, O>,
): ActionDefinition<I, O> & { type: 'action' } {
  return { ...definition, type: 'action' };
}

/** @example export default createSync({ description: 'Issues', frequency: 'every hour', models: { Issue }, exec: async (nango) => … }) */
export function createSync<M extends Record<string, Schema>>(
  definition: SyncDefinition<M>,
): SyncDefinition<M> & { type: 'sync' } {
  return { ...definition, type: 'sync' };
}

/** @example export default createOnEvent({ event: 'post-connection-creation', exec: async (nango) => … }) */
export function createOnEvent(definition: OnEventDefinition): OnEventDefinition & { type: 'on-event' } {
  return { ...definition, type: 'on-event' };
}

/** Thrown by an action to fail with a payload the caller receives as is (`action_script_failure`). */
export class ActionError<P = Record<string, unknown>> extends Error {
  override name = 'ActionError';
  readonly type = 'action_script_runtime_error';
  constructor(readonly payload?: P) {
    super(
      typeof (payload as { message?: unknown })?.message === 'string'
        ? (payload as { message: string }).message
        : 'Action failed',
    );
  }
}
