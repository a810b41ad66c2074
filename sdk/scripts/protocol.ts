/**
 * The wire between a deployed script and the platform. A script's only way out is its outbound
 * `fetch`; every call to {@link HOST_ORIGIN} is received by the platform's script host, which binds
 * it to the run (environment, integration, connection, script) — nothing here identifies the run.
 */

/** The origin a script calls to reach the platform (never resolved on the network). */
export const HOST_ORIGIN = 'https://pier.internal';

/** Header carrying the run's token on calls back to the platform (signed by it; names the run and its end). */
export const RUN_HEADER = 'x-pier-run';

export type ScriptKind = 'action' | 'sync' | 'on-event';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type ScriptLogLine = { level: LogLevel; message: string; at: string };

/** What the platform sends a script to start one run (`POST /run`). */
export type Invocation = {
  kind: ScriptKind;
  runId: string;
  /** Sent back with every call to the platform ({@link RUN_HEADER}). */
  runToken: string;
  connectionId: string;
  providerConfigKey: string;
  input?: unknown;
  /** The sync's last successful run, for incremental syncs. */
  lastSyncDate?: string | null;
  variant?: string;
  /** Set by dry runs: the checkpoint to start from, and no writes reach the platform's stores. */
  checkpoint?: Record<string, string | number | boolean> | null;
  /** Set when a provider webhook runs a sync's `onWebhook` handler instead of its `exec`. */
  webhookPayload?: unknown;
  /** The lowest level of log lines the run keeps (`debug` keeps all). */
  logLevel?: LogLevel;
};

export type ValidationProblem = { code: string; path: (string | number)[]; message: string };

/** Why a run failed, as the script runtime reports it. */
export type ScriptFailure =
  | { type: 'invalid_input' | 'invalid_output'; message: string; issues: ValidationProblem[] }
  | { type: 'action_error'; message: string; payload: unknown }
  | {
      type: 'script_error';
      message: string;
      /** When the failure was a provider's answer to a proxied call. */
      upstream?: { status: number; headers: Record<string, string>; body: unknown };
    }
  | { type: 'wrong_kind'; message: string };

/** The script runtime's answer to an invocation (always HTTP 200; failure is in the body). */
export type RunResult = {
  logs: ScriptLogLine[];
  /** Syncs: records that did not match their model (the first 100) and how many there were. */
  invalidRecords?: { model: string; id: string | null; issues: ValidationProblem[] }[];
  invalidRecordCount?: number;
  /** Dry runs of syncs: what would have been written, per model. */
  records?: Record<
    string,
    { saved: number; updated: number; deleted: number; sample: { op: string; record: unknown }[] }
  >;
  /** A dry run's checkpoint at the end (scripts only change it through the platform otherwise). */
  checkpoint?: Record<string, string | number | boolean> | null;
} & ({ ok: true; output: unknown } | { ok: false; error: ScriptFailure });
