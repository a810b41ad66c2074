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

export type TemplateResult = { ok: true; value: string } | { ok: false; missing: string[] };

const PLACEHOLDER = /\$\{\s*([A-Za-z0-9_.-]+)\s*\}/g;

function lookup(vars: TemplateVars, path: string): string | undefined {
  const [head, ...rest] = path.split('.');
  let value: unknown = head ? (vars as Record<string, unknown>)[head] : undefined;
  for (const key of rest)
    value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
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
    if (missingHere.length === 0) return { ok: true, value };
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
