import type { ProviderDefinition } from '../../sdk/contract/provider-definition.js';
import { providerDefinitionSchema } from '../../sdk/contract/provider-definition.js';
import { type WireProvider, wireProviderSchema } from '../../sdk/contract/providers.js';
import { type Db, isUniqueViolation } from '../db/client.js';
import { ApiError } from '../http/api-error.js';
import { toIssues } from '../http/validate.js';
import { builtinProviders } from './builtin.js';
import * as store from './store.js';
import { fromWireProvider, toWireProvider } from './wire-format.js';

/** Built-in providers plus the environment's custom ones, in the wire shape, optionally filtered. */
export async function listProviders(db: Db, environmentId: number, search?: string): Promise<WireProvider[]> {
  const custom = await store.listCustomDefinitions(db, environmentId);
  const all = [
    ...[...builtinProviders().values()].map((d) => toWireProvider(d)),
    ...custom.map((d) => toWireProvider(d, { custom: true })),
  ];
  const needle = search?.trim().toLowerCase();
  const matching = needle
    ? all.filter(
        (p) =>
          p.name.includes(needle) ||
          p.display_name.toLowerCase().includes(needle) ||
          (p.categories ?? []).some((c) => c.includes(needle)),
      )
    : all;
  return matching.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Finds a provider by name; undefined when none exists. Built-in names cannot be taken by custom
 * providers, so a built-in match needs no database read.
 */
export async function findProvider(
  db: Db,
  environmentId: number,
  name: string,
): Promise<{ definition: ProviderDefinition; custom: boolean } | undefined> {
  const builtin = builtinProviders().get(name);
  if (builtin) return { definition: builtin, custom: false };
  const custom = await store.findCustomDefinition(db, environmentId, name);
  return custom ? { definition: custom, custom: true } : undefined;
}

export async function getProvider(db: Db, environmentId: number, name: string): Promise<WireProvider> {
  const found = await findProvider(db, environmentId, name);
  if (!found) throw new ApiError('unknown_provider', 404, `No provider named "${name}"`);
  return toWireProvider(found.definition, { custom: found.custom });
}

/**
 * Reads a definition in Pier's format (it has `auth`) or in the wire shape (it has `auth_mode`),
 * resolving `alias` against an existing provider. Problems become one 400 with every issue listed.
 */
async function parseDefinition(db: Db, environmentId: number, body: unknown): Promise<ProviderDefinition> {
  if (body && typeof body === 'object' && 'auth' in body) {
    const native = providerDefinitionSchema.safeParse(body);
    if (!native.success) throw invalidDefinition(toIssues(native.error));
    return native.data;
  }
  const wire = wireProviderSchema.safeParse(body);
  if (!wire.success) throw invalidDefinition(toIssues(wire.error));
  let input = wire.data;
  if (input.alias) {
    const base = await findProvider(db, environmentId, input.alias);
    if (!base)
      throw invalidDefinition([
        { code: 'custom', path: ['alias'], message: `No provider named "${input.alias}" to alias` },
      ]);
    const baseWire = toWireProvider(base.definition);
    input = { ...baseWire, ...input, proxy: input.proxy ?? baseWire.proxy };
  }
  const converted = fromWireProvider(input);
  if (!converted.ok) throw invalidDefinition(converted.issues.map((i) => ({ code: 'custom', ...i })));
  return converted.definition;
}

function invalidDefinition(errors: { code: string; path: (string | number)[]; message: string }[]): ApiError {
  const first = errors[0];
  return new ApiError(
    'invalid_body',
    400,
    `Invalid provider definition${first ? ` at ${first.path.join('.') || '(root)'}: ${first.message}` : ''}`,
    errors,
  );
}

export async function createProvider(db: Db, environmentId: number, body: unknown): Promise<WireProvider> {
  const definition = await parseDefinition(db, environmentId, body);
  if (builtinProviders().has(definition.name))
    throw new ApiError('builtin_provider', 409, `"${definition.name}" is a built-in provider; choose another name`);
  try {
    await store.insertCustomDefinition(db, environmentId, definition);
  } catch (err) {
    if (isUniqueViolation(err))
      throw new ApiError(
        'duplicate_provider',
        409,
        `A custom provider named "${definition.name}" already exists; use PUT to replace it`,
      );
    throw err;
  }
  return toWireProvider(definition, { custom: true });
}

export async function replaceProvider(
  db: Db,
  environmentId: number,
  name: string,
  body: unknown,
): Promise<WireProvider> {
  const definition = await parseDefinition(db, environmentId, body);
  if (definition.name !== name)
    throw new ApiError('invalid_body', 400, `The body names "${definition.name}" but the path names "${name}"`, [
      { code: 'custom', path: ['name'], message: 'must match the path' },
    ]);
  if (builtinProviders().has(name))
    throw new ApiError('builtin_provider', 409, `"${name}" is built in and cannot be replaced`);
  if (!(await store.replaceCustomDefinition(db, environmentId, definition)))
    throw new ApiError('unknown_provider', 404, `No custom provider named "${name}"`);
  return toWireProvider(definition, { custom: true });
}

export async function deleteProvider(db: Db, environmentId: number, name: string): Promise<void> {
  if (builtinProviders().has(name))
    throw new ApiError('builtin_provider', 409, `"${name}" is built in and cannot be deleted`);
  const users = await store.countIntegrationsUsing(db, environmentId, name);
  if (users > 0)
    throw new ApiError(
      'provider_in_use',
      409,
      `${users} integration(s) use "${name}"; delete them before the provider`,
    );
  if (!(await store.deleteCustomDefinition(db, environmentId, name)))
    throw new ApiError('unknown_provider', 404, `No custom provider named "${name}"`);
}
