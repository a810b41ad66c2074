/**
 * Fills `${...}` placeholders of catalog templates. `a || b` lists alternatives: the first whose
 * placeholders are all known wins (e.g. a regional host, else the global one).
 */

export type TemplateVars = {
  connectionConfig?: Record<string, unknown>;
  credentials?: Record<string, unknown>;
  apiKey?: string;
  accessToken?: string;
  username?: string;
  password?: string;
};

/** `template` is the alternative that was used. */
export type TemplateResult = { ok: true; value: string; template: string } | { ok: false; missing: string[] };

const PLACEHOLDER = /\$\{\s*([A-Za-z0-9_.-]+)\s*\}/g;

/** A dotted path; a stored key may itself contain dots (`installation.apiEndPoint` from a token response). */
function lookupPath(value: unknown, keys: string[]): unknown {
  if (keys.length === 0) return value;
  if (!value || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  for (let n = keys.length; n >= 1; n--) {
    const key = keys.slice(0, n).join('.');
    if (Object.hasOwn(record, key)) return lookupPath(record[key], keys.slice(n));
  }
  return undefined;
}

function lookup(vars: TemplateVars, path: string): string | undefined {
  const value = lookupPath(vars, path.split('.'));
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** @example interpolate('https://${connectionConfig.subdomain}.zendesk.com', { connectionConfig: { subdomain: 'acme' } }) */
export function interpolate(template: string, vars: TemplateVars): TemplateResult {
  const missing: string[] = [];
  for (const alternative of template.split('||').map((s) => s.trim())) {
    const missingHere: string[] = [];
    const value = alternative.replace(PLACEHOLDER, (_, path: string) => {
      const found = lookup(vars, path);
      if (found === undefined) missingHere.push(path);
      return found ?? '';
    });
    if (missingHere.length === 0) return { ok: true, value, template: alternative };
    missing.push(...missingHere);
  }
  return { ok: false, missing: [...new Set(missing)] };
}

/** Interpolates every value of a map; fails with all missing placeholders. */
export function interpolateAll(
  templates: Record<string, string>,
  vars: TemplateVars,
): { ok: true; value: Record<string, string> } | { ok: false; missing: string[] } {
  const out: Record<string, string> = {};
  const missing: string[] = [];
  for (const [key, template] of Object.entries(templates)) {
    const result = interpolate(template, vars);
    if (result.ok) out[key] = result.value;
    else missing.push(...result.missing);
  }
  return missing.length > 0 ? { ok: false, missing: [...new Set(missing)] } : { ok: true, value: out };
}
