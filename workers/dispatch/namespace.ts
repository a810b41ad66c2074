/**
 * Puts script code where dispatch finds it: the Workers for Platforms namespace through
 * Cloudflare's API in production, the `deployed_scripts` table (read by the Worker Loader
 * stand-in) locally. Callers do not know which.
 */
import { eq } from 'drizzle-orm';
import { openDb } from '../db/client.js';
import { deployedScripts } from '../db/schema.js';

/** Compatibility date user scripts run with (the platform's own). */
export const SCRIPT_COMPATIBILITY_DATE = '2026-04-20';
export const SCRIPT_MAIN_MODULE = 'script.js';

type NamespaceEnv = Pick<Env, 'DB'> & {
  LOADER?: unknown;
  PIER_CF_ACCOUNT_ID?: string;
  PIER_CF_API_TOKEN?: string;
  PIER_DISPATCH_NAMESPACE?: string;
  /** For tests against a local stand-in of Cloudflare's API. */
  PIER_CF_API_BASE?: string;
};

export class NamespaceError extends Error {
  override name = 'NamespaceError';
}

function cloudflareApi(env: NamespaceEnv): { base: string; token: string; scripts: string } {
  const account = env.PIER_CF_ACCOUNT_ID;
  const token = env.PIER_CF_API_TOKEN;
  if (!account || !token)
    throw new NamespaceError(
      'Deploying scripts needs PIER_CF_ACCOUNT_ID and PIER_CF_API_TOKEN (a token with Workers for Platforms edit rights)',
    );
  const base = (env.PIER_CF_API_BASE ?? 'https://api.cloudflare.com/client/v4').replace(/\/$/, '');
  const namespace = env.PIER_DISPATCH_NAMESPACE ?? 'pier-scripts';
  return {
    base,
    token,
    scripts: `${base}/accounts/${encodeURIComponent(account)}/workers/dispatch/namespaces/${encodeURIComponent(namespace)}/scripts`,
  };
}

/** Uploads (or replaces) one script. `version` is the content hash. */
export async function putScript(env: NamespaceEnv, name: string, code: string, version: string): Promise<void> {
  if (env.LOADER) {
    await openDb(env.DB)
      .insert(deployedScripts)
      .values({ name, code, version })
      .onConflictDoUpdate({
        target: deployedScripts.name,
        set: { code, version, updatedAt: new Date().toISOString() },
      });
    return;
  }
  const api = cloudflareApi(env);
  const form = new FormData();
  form.append(
    'metadata',
    new Blob(
      [
        JSON.stringify({
          main_module: SCRIPT_MAIN_MODULE,
          compatibility_date: SCRIPT_COMPATIBILITY_DATE,
          tags: [`pier-version:${version.slice(0, 16)}`],
        }),
      ],
      { type: 'application/json' },
    ),
  );
  form.append(SCRIPT_MAIN_MODULE, new Blob([code], { type: 'application/javascript+module' }), SCRIPT_MAIN_MODULE);
  const response = await fetch(`${api.scripts}/${encodeURIComponent(name)}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${api.token}` },
    body: form,
    redirect: 'manual',
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { errors?: { message?: string }[] };
    throw new NamespaceError(
      `Cloudflare refused the script upload (${response.status}): ${body.errors?.map((e) => e.message).join('; ') || 'no details'}`,
    );
  }
}

/** Removes one script; a script already gone is not an error. */
export async function removeScript(env: NamespaceEnv, name: string): Promise<void> {
  if (env.LOADER) {
    await openDb(env.DB).delete(deployedScripts).where(eq(deployedScripts.name, name));
    return;
  }
  const api = cloudflareApi(env);
  const response = await fetch(`${api.scripts}/${encodeURIComponent(name)}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${api.token}` },
    redirect: 'manual',
  });
  if (!response.ok && response.status !== 404)
    throw new NamespaceError(`Cloudflare refused the script removal (${response.status})`);
}
