import { type ProviderDefinition, providerDefinitionSchema } from '../../sdk/contract/provider-definition.js';
import { builtinProviderInputs } from './catalog/index.js';

let parsed: ReadonlyMap<string, ProviderDefinition> | undefined;

/**
 * The built-in catalog, validated and with defaults applied. Parsed on first use per isolate:
 * the data is constant, so this cache can never disagree with another isolate's.
 */
export function builtinProviders(): ReadonlyMap<string, ProviderDefinition> {
  parsed ??= new Map(
    builtinProviderInputs.map((input) => {
      const definition = providerDefinitionSchema.parse(input);
      return [definition.name, definition] as const;
    }),
  );
  return parsed;
}
