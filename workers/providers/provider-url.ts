import type { ProviderDefinition } from '../../sdk/contract/provider-definition.js';
import { checkOutboundUrl } from '../net/outbound-policy.js';
import { interpolate, type TemplateVars } from './template.js';

/**
 * Every URL Pier builds from a catalog template (authorization, token, refresh, revocation,
 * OAuth 1, app installation, the API base URL, the credential check) goes through here. Values in
 * the host of such a URL come from people Pier does not trust — an end user typing in the Connect UI,
 * a query string, a provider callback — so a template may only send a request (often carrying the
 * integration's client secret) where the catalog says the provider lives:
 *
 * - a value embedded before fixed text that names a domain (`https://${subdomain}.zendesk.com`) must
 *   be host-name characters only, so the host stays under that domain;
 * - a value that is a whole host or URL (`https://${hostname}/oauth_token.do`, `${instance_url}`)
 *   must be one of the field's `enum` values, or end on a host of the field's declared `hosts`
 *   (`*.service-now.com`); a field that declares neither is a free customer host, allowed only when
 *   the integration opts in with `integration_config.allow_custom_hosts = "true"`;
 * - the result always passes the outbound address policy.
 */

export type ProviderUrlFailure =
  | { ok: false; reason: 'missing'; missing: string[] }
  | { ok: false; reason: 'host_not_allowed'; fields: string[] }
  | { ok: false; reason: 'invalid_url' | 'unsupported_scheme' | 'private_address' };

export type ProviderUrlResult = { ok: true; url: URL } | ProviderUrlFailure;

export type ProviderUrlInput = {
  provider: ProviderDefinition;
  vars: TemplateVars;
  mode: 'development' | 'production';
  /** The integration's `allow_custom_hosts` opt-in: free customer hosts (self-hosted instances) are allowed. */
  allowCustomHosts: boolean;
};

/** Host-name characters, with an optional port: nothing that could end the authority early. */
const HOST_VALUE = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:\d{1,5})?$/;
/** Fixed text after the last value in a host that pins it under a domain: `.zendesk.com`, `-api.acme.io`. */
const PINNING_SUFFIX = /^[A-Za-z0-9-]*(\.[A-Za-z0-9-]+){2,}(:\d{1,5})?$/;
const PLACEHOLDER = /\$\{\s*([A-Za-z0-9_.-]+)\s*\}/g;

/** Whether an integration's config opts in to free customer hosts. */
export function allowsCustomHosts(integrationConfig: string | Record<string, string> | null | undefined): boolean {
  const config = typeof integrationConfig === 'string' ? safeParse(integrationConfig) : integrationConfig;
  return config?.allow_custom_hosts === 'true';
}

function safeParse(text: string): Record<string, string> | undefined {
  try {
    return JSON.parse(text) as Record<string, string>;
  } catch {
    return undefined;
  }
}

/** `*.example.com` matches any host below example.com; anything else matches exactly. */
export function hostMatches(host: string, pattern: string): boolean {
  const h = host.toLowerCase().replace(/\.+$/, '');
  const p = pattern.toLowerCase();
  return p.startsWith('*.') ? h.endsWith(p.slice(1)) && h.length > p.length - 1 : h === p;
}

/**
 * `part`: inside a host with other text (`${subdomain}.zendesk.com`); `host`: the whole host after a
 * fixed scheme (`https://${hostname}/…`); `url`: scheme and host both come from the value (`${instance_url}/…`).
 */
type HostPlaceholder = { variable: string; field: string; kind: 'part' | 'host' | 'url' };

/** The placeholders of one template alternative that decide its scheme or host. */
function hostPlaceholders(alternative: string): { placeholders: HostPlaceholder[]; pinned: boolean } {
  const text = alternative.trim();
  const scheme = /^https?:\/\//i.exec(text);
  const rest = scheme ? text.slice(scheme[0].length) : text;
  const authority = /^((?:\$\{[^}]*\}|[^/?#])*)/.exec(rest)?.[1] ?? '';
  const placeholders: HostPlaceholder[] = [];
  for (const match of authority.matchAll(PLACEHOLDER)) {
    const variable = match[1] ?? '';
    const field = variable.startsWith('connectionConfig.') ? variable.slice('connectionConfig.'.length) : variable;
    const kind = !scheme ? 'url' : authority.trim() === match[0] ? 'host' : 'part';
    placeholders.push({ variable, field, kind });
  }
  const suffix = authority.slice(authority.lastIndexOf('}') + 1);
  return { placeholders, pinned: Boolean(scheme) && PINNING_SUFFIX.test(suffix) };
}

function lookupValue(vars: TemplateVars, variable: string): string | undefined {
  const filled = interpolate(`\${${variable}}`, vars);
  return filled.ok ? filled.value : undefined;
}

/**
 * Fills a catalog URL template and checks where it points (see the module comment).
 *
 * @example resolveProviderUrl('https://${connectionConfig.subdomain}.zendesk.com', { provider, vars, mode, allowCustomHosts: false })
 */
export function resolveProviderUrl(template: string, input: ProviderUrlInput): ProviderUrlResult {
  const filled = interpolate(template, input.vars);
  if (!filled.ok) return { ok: false, reason: 'missing', missing: filled.missing };
  const { placeholders, pinned } = hostPlaceholders(filled.template);
  const values = placeholders.map((placeholder) => ({
    placeholder,
    value: lookupValue(input.vars, placeholder.variable) ?? '',
  }));
  // A host or part of one: host-name characters only, whatever else the field allows.
  const malformed = values.filter(({ placeholder, value }) => placeholder.kind !== 'url' && !HOST_VALUE.test(value));
  if (malformed.length > 0) return hostNotAllowed(malformed.map(({ placeholder }) => placeholder.variable));
  let url: URL;
  try {
    url = new URL(filled.value);
  } catch {
    return { ok: false, reason: 'invalid_url' };
  }
  // `https://user@host` would smuggle credentials or confuse what the host is.
  if (url.username || url.password) return { ok: false, reason: 'invalid_url' };
  const refused = values.filter(({ placeholder, value }) => !hostValueAllowed(placeholder, value, url, pinned, input));
  if (refused.length > 0) return hostNotAllowed(refused.map(({ placeholder }) => placeholder.variable));
  const checked = checkOutboundUrl(url.toString(), input.mode);
  return checked.ok ? { ok: true, url: checked.url } : { ok: false, reason: checked.reason };
}

function hostNotAllowed(fields: string[]): ProviderUrlFailure {
  return { ok: false, reason: 'host_not_allowed', fields: [...new Set(fields)] };
}

function hostValueAllowed(
  placeholder: HostPlaceholder,
  value: string,
  url: URL,
  pinned: boolean,
  input: ProviderUrlInput,
): boolean {
  const field = input.provider.connectionConfig[placeholder.field];
  if (field?.enum) return field.enum.includes(value);
  if (field?.hosts) {
    // A scheme taken from a value must not downgrade a production call to plain HTTP.
    if (placeholder.kind === 'url' && url.protocol !== 'https:' && input.mode === 'production') return false;
    return field.hosts.some((pattern) => hostMatches(url.hostname, pattern));
  }
  if (pinned && placeholder.kind === 'part') return true;
  return input.allowCustomHosts;
}

/** Words for a failure, naming the fields (never their values). */
export function describeUrlFailure(failure: ProviderUrlFailure, what: string): string {
  switch (failure.reason) {
    case 'missing':
      return `The ${what} needs ${failure.missing.join(', ')}`;
    case 'host_not_allowed':
      return `The ${what} would leave the provider's own hosts (${failure.fields.join(', ')}); self-hosted instances need the integration's allow_custom_hosts setting`;
    default:
      return `The ${what} is not an allowed address (${failure.reason})`;
  }
}
