import type { ProviderDefinition } from '../../sdk/contract/provider-definition.js';
import type { ConnectionCredentials } from '../auth/credentials.js';
import { checkOutboundUrl } from '../net/outbound-policy.js';
import { interpolateAll, type TemplateVars } from '../providers/template.js';
import { authorizeRequest, joinUrl } from '../proxy/authorize-request.js';

export type VerifyResult = { ok: true; skipped: boolean } | { ok: false; message: string };

/**
 * Proves API-key or basic credentials work with the provider's declared verification call before
 * a connection is saved. Providers that declare none are accepted as they are.
 */
export async function verifyCredentials(
  provider: ProviderDefinition,
  credentials: ConnectionCredentials,
  connectionConfig: Record<string, string>,
  mode: 'development' | 'production',
  allowCustomHosts: boolean,
): Promise<VerifyResult> {
  const verification = provider.api?.verification;
  if (!verification) return { ok: true, skipped: true };
  const authorized = authorizeRequest(provider, credentials, connectionConfig, {
    mode,
    allowCustomHosts,
    baseUrlTemplate: verification.baseUrlOverride,
  });
  if (!authorized.ok)
    return {
      ok: false,
      message: `Missing or invalid values to reach the provider: ${[...authorized.missing, ...authorized.invalid].join(', ')}`,
    };
  const extra = interpolateAll(verification.headers, { connectionConfig } satisfies TemplateVars);
  const url = joinUrl(authorized.request.baseUrl, verification.path, authorized.request.query);
  const target = checkOutboundUrl(url.toString(), mode);
  if (!target.ok) return { ok: false, message: 'The provider address is not allowed' };
  try {
    const response = await fetch(target.url, {
      method: verification.method,
      headers: { ...authorized.request.headers, ...(extra.ok ? extra.value : {}) },
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
    });
    await response.body?.cancel();
    if (response.ok) return { ok: true, skipped: false };
    if (response.status === 401 || response.status === 403)
      return { ok: false, message: `${provider.displayName} rejected these credentials` };
    return {
      ok: false,
      message: `${provider.displayName} answered ${response.status} when checking these credentials`,
    };
  } catch {
    return { ok: false, message: `${provider.displayName} could not be reached to check these credentials` };
  }
}
