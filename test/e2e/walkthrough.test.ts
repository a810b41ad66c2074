import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser } from './support/browser.js';
import { type RunningPlatform, startPlatform } from './support/platform.js';

const ROOT = resolve(import.meta.dirname, '../..');

type Step = { kind: 'sh'; code: string; shown?: string } | { kind: 'browser' };

/** The README's walkthrough: its shell blocks (each with the output shown after it) and the browser step. */
function readWalkthrough(): Step[] {
  const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('<!-- walkthrough -->');
  const end = readme.indexOf('<!-- /walkthrough -->');
  if (start < 0 || end < start) throw new Error('README.md has no walkthrough section');
  const steps: Step[] = [];
  const part = readme.slice(start, end);
  const tokens = part.matchAll(/```(sh|json)\n([\s\S]*?)```|<!-- walkthrough:browser -->/g);
  for (const token of tokens) {
    if (token[0].startsWith('<!--')) steps.push({ kind: 'browser' });
    else if (token[1] === 'sh') steps.push({ kind: 'sh', code: token[2] ?? '' });
    else {
      const last = steps.at(-1);
      if (last?.kind === 'sh') last.shown = token[2]?.trim();
    }
  }
  return steps;
}

/** The structure of a JSON value (keys and types, not values), to catch README outputs that drifted. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return [value.length > 0 ? shape(value[0]) : 'empty'];
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, shape((value as Record<string, unknown>)[k])]),
    );
  return value === null ? 'null' : typeof value;
}

/** One bash process for the whole walkthrough, so variables set by a block are there for the next. */
class Shell {
  #bash: ChildProcessWithoutNullStreams;
  #out = '';
  constructor(env: Record<string, string>) {
    this.#bash = spawn('bash', ['--noprofile', '--norc'], { cwd: ROOT, env: { ...process.env, ...env } });
    this.#bash.stdout.on('data', (c: Buffer) => {
      this.#out += c.toString();
    });
    this.#bash.stderr.on('data', (c: Buffer) => {
      this.#out += c.toString();
    });
  }
  async run(code: string, timeoutMs = 30_000): Promise<{ status: number; output: string }> {
    const marker = `__walkthrough_${crypto.randomUUID()}__`;
    this.#out = '';
    this.#bash.stdin.write(`${code}\necho; echo "${marker} $?"\n`);
    const deadline = Date.now() + timeoutMs;
    while (!this.#out.includes(marker)) {
      if (Date.now() > deadline) throw new Error(`timed out running:\n${code}\noutput so far:\n${this.#out}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const [output = '', rest = ''] = this.#out.split(marker);
    return { status: Number(rest.trim().split(/\s+/)[0]), output: output.trim() };
  }
  close(): void {
    this.#bash.kill();
  }
}

describe.skipIf(!hasChromium())('the README walkthrough, run as written', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let shell: Shell;

  beforeAll(async () => {
    platform = await startPlatform();
    browser = await launchBrowser();
    shell = new Shell({ KEY: platform.secretKey });
  });

  afterAll(async () => {
    shell?.close();
    await browser?.close();
    await platform?.stop();
  });

  it('creates the integration, connects through the Connect UI and the demo consent page, proxies and logs', async () => {
    const steps = readWalkthrough();
    expect(steps.filter((s) => s.kind === 'sh').length).toBeGreaterThanOrEqual(6);
    const outputs: string[] = [];
    let lastOutput = '';
    for (const step of steps) {
      if (step.kind === 'browser') {
        const link = JSON.parse(lastOutput).data.connect_link as string;
        const page = await browser.newPage();
        await page.goto(link);
        const popup = page.context().waitForEvent('page');
        await page.getByRole('button', { name: /Continue to Pier Demo/ }).click();
        await (await popup).getByRole('link', { name: 'Approve' }).click();
        await page.getByText('Pier Demo connected').waitFor({ timeout: 30_000 });
        await page.close();
        continue;
      }
      // The README speaks of the default port; this platform runs on its own.
      const code = step.code.replaceAll('http://127.0.0.1:3003', platform.url);
      // Log lines are written in batches within a fraction of a second, as the README says.
      if (code.includes('/logs?')) await new Promise((r) => setTimeout(r, 500));
      const result = await shell.run(code);
      expect(result, `block failed:\n${code}\n${result.output}`).toMatchObject({ status: 0 });
      if (step.shown)
        expect(shape(JSON.parse(result.output)), `output of:\n${code}`).toEqual(shape(JSON.parse(step.shown)));
      outputs.push(result.output);
      if (result.output) lastOutput = result.output;
    }
    const all = outputs.join('\n');
    expect(all).toContain('"name":"Ada Lovelace"');
    expect(all).toContain('"path":"/contacts?limit=2"');
  });
});
