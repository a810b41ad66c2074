import type { ApiKeyScope } from '../sdk/contract/environments.js';
import type { PierConfig } from './config.js';
import type { Db } from './db/client.js';
import type { EnvironmentRow } from './db/schema.js';

/** What middleware puts on the request context for handlers. */
export type AppVariables = {
  requestId: string;
  config: PierConfig;
  db: Db;
  /** Set by `requireSecretKey`: the environment the key belongs to, and the key's scopes. */
  environment: EnvironmentRow;
  apiKey: { id: number; scopes: readonly ApiKeyScope[] };
};

export type AppEnv = { Bindings: Env; Variables: AppVariables };
