import { CliError, readDotEnv } from './project.js';

/** Where the CLI sends requests: PIER_HOST / PIER_SECRET_KEY, or Nango's variable names. */
export type Target = { host: string; secretKey: string };

/**
 * `environment` (`--env`) picks the key: `PIER_SECRET_KEY_<ENV>` or `NANGO_SECRET_KEY_<ENV>` (e.g.
 * `--env prod`); without it, `PIER_SECRET_KEY` (or `NANGO_SECRET_KEY_DEV`).
 */
export function readTarget(
  projectDir: string,
  env: Record<string, string | undefined> = process.env,
  environment?: string,
): Target {
  const file = readDotEnv(projectDir);
  const pick = (...names: string[]) => {
    for (const name of names) {
      const value = env[name] ?? file[name];
      if (value) return value;
    }
    return undefined;
  };
  const host = pick('PIER_HOST', 'NANGO_HOSTPORT');
  const suffix = environment?.toUpperCase().replace(/[^A-Z0-9]/g, '_');
  const secretKey = suffix
    ? pick(`PIER_SECRET_KEY_${suffix}`, `NANGO_SECRET_KEY_${suffix}`)
    : pick('PIER_SECRET_KEY', 'NANGO_SECRET_KEY_DEV', 'NANGO_SECRET_KEY');
  if (!host) throw new CliError('Set PIER_HOST (e.g. http://127.0.0.1:3003), in the environment or .env');
  if (!secretKey)
    throw new CliError(
      suffix
        ? `Set PIER_SECRET_KEY_${suffix} to a secret key of the "${environment}" environment, in the environment or .env`
        : 'Set PIER_SECRET_KEY to a secret key of the environment, in the environment or .env',
    );
  return { host: host.replace(/\/+$/, ''), secretKey };
}

/** One API call; Pier's error body becomes a CliError with its code and message. */
export async function callApi<T>(target: Target, method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${target.host}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${target.secretKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new CliError(`Cannot reach ${target.host}: ${(err as Error).cause ?? (err as Error).message}`);
  }
  const text = await response.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = text;
  }
  if (!response.ok) {
    const error = (
      data as { error?: { code?: string; message?: string; errors?: { path: unknown[]; message: string }[] } }
    )?.error;
    const details = error?.errors?.map((e) => `\n  ${e.path.join('.')}: ${e.message}`).join('') ?? '';
    throw new CliError(
      `${error?.code ?? `HTTP ${response.status}`}: ${error?.message ?? text.slice(0, 300)}${details}`,
    );
  }
  return data as T;
}
