import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTarget } from '../../../sdk/cli/api.js';
import { listScripts } from '../../../sdk/cli/project.js';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pier-cli-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('pier CLI: project and configuration', () => {
  it('lists the scripts index.ts imports, with their integration, kind and name', () => {
    const dir = project({
      'index.ts': `// a comment: import './ignored.js';\nimport './github/actions/create-issue.js';\nexport * from './slack/syncs/messages';\nimport 'zod';\n`,
      'github/actions/create-issue.ts': '',
      'slack/syncs/messages.ts': '',
    });
    expect(listScripts(dir).map(({ integration, type, name }) => ({ integration, type, name }))).toEqual([
      { integration: 'github', type: 'action', name: 'create-issue' },
      { integration: 'slack', type: 'sync', name: 'messages' },
    ]);
  });

  it('refuses nango.yaml projects, missing files and scripts outside the layout, in words', () => {
    expect(() => listScripts(project({ 'nango.yaml': '' }))).toThrow(/zero-YAML/);
    expect(() => listScripts(project({ 'index.ts': "import './github/actions/gone.js';" }))).toThrow(/does not exist/);
    expect(() => listScripts(project({ 'index.ts': "import './helpers/util.js';", 'helpers/util.ts': '' }))).toThrow(
      /is not at <integration>/,
    );
  });

  it('reads host and key from the environment, then .env, with Nango’s names as fallbacks and --env keys', () => {
    const dir = project({ '.env': 'PIER_HOST="http://127.0.0.1:9/"\nNANGO_SECRET_KEY_PROD=prod-key\n' });
    expect(readTarget(dir, { NANGO_SECRET_KEY_DEV: 'dev-key' })).toEqual({
      host: 'http://127.0.0.1:9',
      secretKey: 'dev-key',
    });
    expect(readTarget(dir, { PIER_SECRET_KEY: 'pier-key', NANGO_SECRET_KEY_DEV: 'dev-key' }).secretKey).toBe(
      'pier-key',
    );
    expect(readTarget(dir, {}, 'prod').secretKey).toBe('prod-key');
    expect(() => readTarget(dir, {}, 'staging')).toThrow(/PIER_SECRET_KEY_STAGING/);
    expect(() => readTarget(project({}), { PIER_SECRET_KEY: 'k' })).toThrow(/PIER_HOST/);
  });
});
