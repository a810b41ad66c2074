import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PIER_VERSION } from '../../workers/version.js';

describe('version', () => {
  it('matches package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(PIER_VERSION).toBe(pkg.version);
  });
});
