/**
 * The one place a connection's Durable Object name is made. It uses the integration's numeric id,
 * not its `unique_key`, because a unique key can be renamed and the object must stay the same.
 *
 * @example env.CONNECTION.idFromName(connectionObjectName({ environmentId: 1, integrationId: 7, connectionId: 'u-42' }))
 */
export function connectionObjectName(ref: {
  environmentId: number;
  integrationId: number;
  connectionId: string;
}): string {
  return `env:${ref.environmentId}/integration:${ref.integrationId}/connection:${encodeURIComponent(ref.connectionId)}`;
}

/** The stub of a connection's object. */
export function connectionStub(
  env: Pick<Env, 'CONNECTION'>,
  ref: { environmentId: number; integrationId: number; connectionId: string },
) {
  return env.CONNECTION.get(env.CONNECTION.idFromName(connectionObjectName(ref)));
}
