import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import type { FunctionDefinition } from '../contract/functions.js';
import type { ScriptDefinition } from '../scripts/define.js';
import { CliError, listScripts, type ScriptFile, sdkRoot } from './project.js';

export type CompiledScript = ScriptFile & { bundle: string; definition: FunctionDefinition; bytes: number };

/** Type-checks the project's scripts with `nango` resolved to Pier's script SDK. */
export async function typeCheck(projectDir: string, files: string[]): Promise<string[]> {
  const require = createRequire(join(projectDir, 'package.json'));
  let ts: typeof import('typescript');
  try {
    ts = require('typescript');
  } catch {
    ts = (await import('typescript')).default;
  }
  const configPath = ts.findConfigFile(projectDir, ts.sys.fileExists, 'tsconfig.json');
  let options: import('typescript').CompilerOptions = {};
  if (configPath && resolve(configPath).startsWith(resolve(projectDir))) {
    const read = ts.readConfigFile(configPath, ts.sys.readFile);
    options = ts.parseJsonConfigFileContent(read.config ?? {}, ts.sys, projectDir).options;
  }
  const scriptsEntry = join(sdkRoot(), 'scripts', 'index.ts');
  // A project without zod of its own type-checks against the CLI's (as it bundles with it).
  const fallback: Record<string, string[]> = {};
  try {
    require.resolve('zod');
  } catch {
    try {
      const zodDir = dirname(createRequire(join(sdkRoot(), 'package.json')).resolve('zod/package.json'));
      fallback.zod = [zodDir];
      fallback['zod/*'] = [`${zodDir}/*`];
    } catch {}
  }
  options = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
    ...options,
    noEmit: true,
    skipLibCheck: true,
    allowImportingTsExtensions: true,
    baseUrl: projectDir,
    paths: { ...fallback, ...(options.paths ?? {}), nango: [scriptsEntry] },
  };
  const program = ts.createProgram(files, options);
  const root = resolve(projectDir);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => !d.file || (resolve(d.file.fileName).startsWith(root) && !d.file.fileName.includes('node_modules')))
    .map((d) => {
      const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
      if (!d.file || d.start === undefined) return text;
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      return `${relative(projectDir, d.file.fileName)}:${line + 1}:${character + 1} ${text}`;
    });
}

/** Bundles one script into the ES module the platform dispatches to. */
export async function bundleScript(projectDir: string, script: ScriptFile): Promise<string> {
  const root = sdkRoot();
  const result = await esbuild.build({
    stdin: {
      contents: [
        `import definition from ${JSON.stringify(script.path)};`,
        `import { serveScript } from 'pier:runtime';`,
        'export { definition };',
        'export default serveScript(definition);',
      ].join('\n'),
      resolveDir: projectDir,
      loader: 'ts',
      sourcefile: `${script.name}.entry.ts`,
    },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    mainFields: ['module', 'main'],
    conditions: ['workerd', 'worker', 'import', 'default'],
    minifySyntax: true,
    minifyWhitespace: true,
    legalComments: 'none',
    logLevel: 'silent',
    // A project without its own zod (or the SDK's imports) resolves from the CLI's packages.
    nodePaths: [join(root, 'node_modules'), join(root, '..', 'node_modules'), join(root, '..', '..')],
    plugins: [
      {
        name: 'pier-sdk',
        setup(build) {
          build.onResolve({ filter: /^nango$/ }, () => ({ path: join(root, 'scripts', 'index.ts') }));
          build.onResolve({ filter: /^pier:runtime$/ }, () => ({ path: join(root, 'scripts', 'runtime.ts') }));
        },
      },
    ],
  });
  const [file] = result.outputFiles;
  if (!file) throw new CliError(`esbuild produced nothing for ${script.name}`);
  return file.text;
}

type ZodLike = { toJSONSchema?: (schema: unknown, options?: unknown) => Record<string, unknown> };

function jsonSchemaOf(zod: ZodLike | undefined, schema: unknown): Record<string, unknown> | undefined {
  if (!schema) return undefined;
  try {
    if (zod?.toJSONSchema) return zod.toJSONSchema(schema, { unrepresentable: 'any', io: 'output' });
  } catch {}
  return {};
}

/** The definition the platform stores, read from the bundle's `definition` export. */
export async function describeScript(
  projectDir: string,
  script: ScriptFile,
  bundlePath: string,
): Promise<FunctionDefinition> {
  const module = (await import(`${pathToFileURL(bundlePath).href}?t=${Date.now()}`)) as {
    definition?: ScriptDefinition;
  };
  const definition = module.definition;
  if (!definition || typeof definition !== 'object' || !('type' in definition))
    throw new CliError(
      `${relative(projectDir, script.path)} must default-export createAction, createSync or createOnEvent (from 'nango')`,
    );
  if (definition.type !== script.type)
    throw new CliError(
      `${relative(projectDir, script.path)} is in a ${script.type}s folder but exports a ${definition.type}`,
    );
  let zod: ZodLike | undefined;
  for (const from of [join(projectDir, 'package.json'), join(sdkRoot(), 'package.json')]) {
    try {
      zod = createRequire(from)('zod') as ZodLike;
      if (zod.toJSONSchema) break;
    } catch {}
  }
  const base = {
    name: script.name,
    type: script.type,
    description: definition.description,
    version: definition.version,
  };
  switch (definition.type) {
    case 'action':
      return {
        ...base,
        scopes: definition.scopes,
        input_schema: jsonSchemaOf(zod, definition.input),
        output_schema: jsonSchemaOf(zod, definition.output),
        metadata_schema: jsonSchemaOf(zod, definition.metadata),
        checkpoint_schema: jsonSchemaOf(zod, definition.checkpoint),
      };
    case 'sync':
      return {
        ...base,
        scopes: definition.scopes,
        frequency: definition.frequency,
        auto_start: definition.autoStart ?? true,
        track_deletes: definition.trackDeletes ?? false,
        webhook_subscriptions: definition.webhookSubscriptions,
        models: Object.fromEntries(
          Object.entries(definition.models ?? {}).map(([name, schema]) => [name, jsonSchemaOf(zod, schema) ?? {}]),
        ),
        metadata_schema: jsonSchemaOf(zod, definition.metadata),
        checkpoint_schema: jsonSchemaOf(zod, definition.checkpoint),
      };
    case 'on-event':
      return { ...base, event: definition.event };
  }
}

/** The `functions` of a deployment request (`POST /functions/deployments`) for compiled scripts. */
export function deploymentFunctions(compiled: CompiledScript[]) {
  return compiled.map((s) => ({ integration: s.integration, ...s.definition, bundle: s.bundle }));
}

/**
 * Type-checks, bundles and describes every script (or only `only`), writing `build/`.
 *
 * @example const scripts = await compileProject(process.cwd(), { progress: console.error })
 */
export async function compileProject(
  projectDir: string,
  options: { only?: (s: ScriptFile) => boolean; typeCheck?: boolean; progress?: (line: string) => void } = {},
): Promise<CompiledScript[]> {
  const scripts = listScripts(projectDir).filter(options.only ?? (() => true));
  if (scripts.length === 0) throw new CliError('No script matches');
  if (options.typeCheck !== false) {
    options.progress?.(`Type-checking ${scripts.length} script${scripts.length === 1 ? '' : 's'}…`);
    const problems = await typeCheck(
      projectDir,
      scripts.map((s) => s.path),
    );
    if (problems.length > 0) throw new CliError(`Type errors:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
  const buildDir = join(projectDir, 'build');
  const compiled: CompiledScript[] = [];
  for (const script of scripts) {
    options.progress?.(`Bundling ${script.integration}/${script.type}/${script.name}`);
    const bundle = await bundleScript(projectDir, script);
    const dir = join(buildDir, script.integration, script.type);
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
    const bundlePath = join(dir, `${script.name}.mjs`);
    writeFileSync(bundlePath, bundle);
    const definition = await describeScript(projectDir, script, bundlePath);
    compiled.push({ ...script, bundle, definition, bytes: Buffer.byteLength(bundle) });
  }
  writeFileSync(
    join(buildDir, 'definitions.json'),
    `${JSON.stringify(
      compiled.map(({ integration, definition }) => ({ integration, ...definition })),
      null,
      2,
    )}\n`,
  );
  return compiled;
}
