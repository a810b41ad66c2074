import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CliError } from './project.js';

/** Files of a new scripts project: one example of each kind for a GitHub integration. */
const FILES: Record<string, string> = {
  'package.json': `${JSON.stringify(
    {
      name: 'integration-scripts',
      private: true,
      type: 'module',
      scripts: { compile: 'pier compile', deploy: 'pier deploy' },
    },
    null,
    2,
  )}\n`,
  'tsconfig.json': `${JSON.stringify(
    {
      compilerOptions: {
        target: 'ES2022',
        module: 'ESNext',
        moduleResolution: 'Bundler',
        strict: true,
        skipLibCheck: true,
        noEmit: true,
        lib: ['ES2022', 'DOM'],
      },
      include: ['**/*.ts'],
      exclude: ['build', 'node_modules'],
    },
    null,
    2,
  )}\n`,
  '.gitignore': 'build/\nnode_modules/\n.env\n',
  '.env.example':
    '# Where your Pier runs and a secret key of the environment to deploy to\nPIER_HOST=http://127.0.0.1:3003\nPIER_SECRET_KEY=\n',
  'index.ts': `// Every script of the project, one import each: <integration>/<syncs|actions|on-events>/<name>.ts
import './github/actions/create-issue.js';
import './github/syncs/issues.js';
import './github/on-events/remember-login.js';
`,
  'github/models.ts': `import { z } from 'zod';

export const Issue = z.object({
  id: z.string(),
  number: z.number(),
  title: z.string(),
  state: z.string(),
  url: z.string(),
});
export type Issue = z.infer<typeof Issue>;
`,
  'github/actions/create-issue.ts': `import { ActionError, createAction } from 'nango';
import { z } from 'zod';

export default createAction({
  description: 'Create an issue in a repository',
  version: '1.0.0',
  input: z.object({ owner: z.string(), repo: z.string(), title: z.string().min(1), body: z.string().optional() }),
  output: z.object({ id: z.string(), number: z.number(), url: z.string() }),
  scopes: ['repo'],
  exec: async (nango, input) => {
    const response = await nango.post<{ id: number; number: number; html_url: string }>({
      endpoint: \`/repos/\${input.owner}/\${input.repo}/issues\`,
      data: { title: input.title, body: input.body },
      retries: 1,
    });
    if (!response.data.number) throw new ActionError({ message: 'GitHub did not return an issue number' });
    await nango.log('Created issue', response.data.number);
    return { id: String(response.data.id), number: response.data.number, url: response.data.html_url };
  },
});
`,
  'github/syncs/issues.ts': `import { createSync } from 'nango';
import { z } from 'zod';
import { Issue } from '../models.js';

export default createSync({
  description: 'Issues of the repositories listed in the connection metadata',
  version: '1.0.0',
  frequency: 'every hour',
  autoStart: true,
  models: { Issue },
  metadata: z.object({ repos: z.array(z.string()) }),
  exec: async (nango) => {
    const { repos } = await nango.getMetadata<{ repos: string[] }>();
    for (const repo of repos ?? []) {
      for await (const page of nango.paginate<{ id: number; number: number; title: string; state: string; html_url: string }>({
        endpoint: \`/repos/\${repo}/issues\`,
        params: { state: 'all' },
        paginate: { limit: 100 },
      })) {
        const issues: Issue[] = page.map((i) => ({ id: String(i.id), number: i.number, title: i.title, state: i.state, url: i.html_url }));
        await nango.batchSave(issues, 'Issue');
      }
    }
  },
});
`,
  'github/on-events/remember-login.ts': `import { createOnEvent } from 'nango';

export default createOnEvent({
  event: 'post-connection-creation',
  description: 'Keep the GitHub login of the connected account in the connection metadata',
  exec: async (nango) => {
    const { data } = await nango.get<{ login: string }>({ endpoint: '/user' });
    await nango.updateMetadata({ login: data.login });
  },
});
`,
  'README.md': `# Integration scripts

Scripts for Pier (and Nango's zero-YAML layout): \`<integration>/{actions,syncs,on-events}/<name>.ts\`,
each imported by \`index.ts\`. \`import … from 'nango'\` resolves to Pier's script SDK.

- \`pier compile\` — type-check and bundle into \`build/\`
- \`pier dryrun create-issue <connection-id> --input '{"owner":"o","repo":"r","title":"Hi"}'\` — run against a real connection, persisting nothing
- \`pier deploy\` — upload what changed (asks before removing anything; \`--yes\` in CI)
- \`pier status\` — what is deployed

Set \`PIER_HOST\` and \`PIER_SECRET_KEY\` (or put them in \`.env\`).
`,
};

/**
 * Writes a new project into `dir`; refuses to overwrite any file (a `package.json` already there is
 * kept: init then fits an existing npm project).
 */
export function initProject(dir: string): string[] {
  const files = Object.keys(FILES).filter((file) => !(file === 'package.json' && existsSync(join(dir, file))));
  const clashes = files.filter((file) => existsSync(join(dir, file)));
  if (clashes.length > 0)
    throw new CliError(`${dir} already has ${clashes.join(', ')}; init writes into an empty folder`);
  for (const file of files) {
    const path = join(dir, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, FILES[file] as string);
  }
  return files;
}
