import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FunctionType } from '../contract/functions.js';

/** One script of a zero-YAML project: `<integration>/<syncs|actions|on-events>/<name>.ts`. */
export type ScriptFile = { integration: string; type: FunctionType; name: string; path: string };

const FOLDER_TYPES: Record<string, FunctionType> = { syncs: 'sync', actions: 'action', 'on-events': 'on-event' };

export class CliError extends Error {
  override name = 'CliError';
}

/** The SDK's own folder (`sdk/`), whether the CLI runs from source (`sdk/cli`) or built (`sdk/dist`). */
export function sdkRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..');
}

/**
 * The scripts `index.ts` imports, as Nango's zero-YAML layout has them.
 *
 * @example listScripts('/work/my-integrations') // [{ integration: 'github', type: 'action', name: 'create-issue', … }]
 */
export function listScripts(projectDir: string): ScriptFile[] {
  const index = join(projectDir, 'index.ts');
  if (!existsSync(index)) {
    if (existsSync(join(projectDir, 'nango.yaml')))
      throw new CliError(
        'This project still uses nango.yaml; move it to the zero-YAML layout (index.ts importing each script)',
      );
    throw new CliError(`No index.ts in ${projectDir}: run \`pier init\` or create one that imports each script`);
  }
  const source = readFileSync(index, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, '');
  const specifiers = [
    ...source.matchAll(/(?:import|export\s+\*\s+from|export\s*\{[^}]*\}\s*from)\s*['"]([^'"]+)['"]/g),
  ].map((m) => m[1] as string);
  const scripts: ScriptFile[] = [];
  for (const specifier of specifiers) {
    if (!specifier.startsWith('.')) continue;
    const base = resolve(projectDir, specifier.replace(/\.(js|ts|mjs)$/, ''));
    const path = `${base}.ts`;
    if (!existsSync(path))
      throw new CliError(`index.ts imports ${specifier}, but ${relative(projectDir, path)} does not exist`);
    const parts = relative(projectDir, path).split(sep);
    const folder = parts[1] ?? '';
    const type = FOLDER_TYPES[folder];
    if (parts.length !== 3 || !type)
      throw new CliError(`${relative(projectDir, path)} is not at <integration>/{syncs,actions,on-events}/<name>.ts`);
    scripts.push({ integration: parts[0] as string, type, name: (parts[2] as string).replace(/\.ts$/, ''), path });
  }
  if (scripts.length === 0) throw new CliError('index.ts imports no scripts');
  return scripts;
}

/** `KEY=value` lines of a `.env` file (no interpolation). */
export function readDotEnv(projectDir: string): Record<string, string> {
  const file = join(projectDir, '.env');
  if (!existsSync(file)) return {};
  const out: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (match?.[1]) out[match[1]] = (match[2] ?? '').replace(/^(['"])(.*)\1$/, '$2');
  }
  return out;
}
