import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { ActionInput, ActionOutput } from '../../../sdk/client.js';
import { ActionError, createAction, createOnEvent, createSync } from '../../../sdk/scripts/index.js';
import type { Invocation } from '../../../sdk/scripts/protocol.js';
import { runOnce } from '../../../sdk/scripts/runtime.js';

const invocation = (extra: Partial<Invocation> = {}): Invocation => ({
  kind: 'action',
  runId: 'run-1',
  runToken: 'token',
  connectionId: 'u-1',
  providerConfigKey: 'github',
  ...extra,
});

const echo = createAction({
  description: 'Echo',
  input: z.object({ name: z.string().min(1), count: z.number().int().optional() }),
  output: z.object({ greeting: z.string() }),
  exec: async (nango, input) => {
    await nango.log('debug line', { level: 'debug' });
    await nango.log('hello', input.name, { n: 1 });
    await nango.log('careful', { level: 'warn' });
    await nango.log('hidden', { level: 'off' });
    return { greeting: `hi ${input.name}` };
  },
});

describe('script runtime', () => {
  it('validates input, runs exec, validates output and keeps log lines at or above the run’s level', async () => {
    const result = await runOnce(echo, invocation({ input: { name: 'ann' }, logLevel: 'info' }));
    expect(result).toMatchObject({ ok: true, output: { greeting: 'hi ann' } });
    expect(result.logs.map((l) => [l.level, l.message])).toEqual([
      ['info', 'hello ann {"n":1}'],
      ['warn', 'careful'],
    ]);
  });

  it('reports input that does not match the schema with each issue’s path', async () => {
    const result = await runOnce(echo, invocation({ input: { name: '', count: 1.5 } }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.type).toBe('invalid_input');
    expect('issues' in result.error && result.error.issues.map((i) => i.path)).toEqual([['name'], ['count']]);
  });

  it('reports output that does not match the schema, an ActionError’s payload, and a thrown error', async () => {
    const wrongOutput = createAction({
      description: 'x',
      input: z.object({}),
      output: z.object({ id: z.string() }),
      exec: async () => ({ id: 42 }) as never,
    });
    const refused = createAction({
      description: 'x',
      input: z.object({}),
      output: z.object({}),
      exec: async () => {
        throw new ActionError({ message: 'no such repo', repo: 'r' });
      },
    });
    const crashed = createAction({
      description: 'x',
      input: z.object({}),
      output: z.object({}),
      exec: async () => {
        throw new RangeError('boom');
      },
    });
    expect((await runOnce(wrongOutput, invocation({ input: {} }))).ok).toBe(false);
    expect(await runOnce(wrongOutput, invocation({ input: {} }))).toMatchObject({ error: { type: 'invalid_output' } });
    expect(await runOnce(refused, invocation({ input: {} }))).toMatchObject({
      ok: false,
      error: { type: 'action_error', message: 'no such repo', payload: { message: 'no such repo', repo: 'r' } },
    });
    expect(await runOnce(crashed, invocation({ input: {} }))).toMatchObject({
      ok: false,
      error: { type: 'script_error', message: 'RangeError: boom' },
    });
  });

  it('refuses to run a script as another kind', async () => {
    const sync = createSync({ description: 's', frequency: 'every hour', models: {}, exec: async () => undefined });
    expect(await runOnce(sync, invocation({ kind: 'action' }))).toMatchObject({
      ok: false,
      error: { type: 'wrong_kind' },
    });
  });

  it('keeps a dry run’s checkpoints in the run and refuses nested checkpoint values', async () => {
    const steps = createOnEvent({
      event: 'post-connection-creation',
      exec: async (nango) => {
        const before = await nango.getCheckpoint();
        await nango.saveCheckpoint({ page: 2, done: false });
        const nested = await nango.saveCheckpoint({ page: { n: 1 } } as never).catch((e: Error) => e.message);
        return { before, after: await nango.getCheckpoint(), nested };
      },
    });
    const result = await runOnce(steps, invocation({ kind: 'on-event', checkpoint: { page: 1 } }));
    expect(result).toMatchObject({
      ok: true,
      output: { before: { page: 1 }, after: { page: 2, done: false }, nested: expect.stringContaining('"page"') },
      checkpoint: { page: 2, done: false },
    });
  });

  it('refuses a proxied call that names another connection before it leaves the script', async () => {
    const other = createOnEvent({
      event: 'post-connection-creation',
      exec: (nango) => nango.get({ endpoint: '/user', connectionId: 'someone-else' }),
    });
    expect(await runOnce(other, invocation({ kind: 'on-event' }))).toMatchObject({
      ok: false,
      error: { type: 'script_error', message: expect.stringContaining('own connection') },
    });
  });

  it('reports records that do not match their model instead of saving them (dry run keeps the rest)', async () => {
    const sync = createSync({
      description: 's',
      frequency: 'every hour',
      models: { Item: z.object({ id: z.string(), n: z.number() }) },
      exec: async (nango) => {
        await nango.batchSave([{ id: 'a', n: 1 }, { id: 'b', n: 'two' } as never, { n: 3 } as never], 'Item');
        await nango.batchDelete([{ id: 'c' }], 'Item');
        await expect(nango.batchSave([{ id: 'x' }], 'Nope')).rejects.toThrow(/not a model/);
      },
    });
    const result = await runOnce(sync, invocation({ kind: 'sync', checkpoint: null }));
    expect(result).toMatchObject({
      ok: true,
      invalidRecordCount: 2,
      records: { Item: { saved: 1, deleted: 1, updated: 0 } },
    });
    expect(result.invalidRecords?.map((r) => [r.id, r.issues[0]?.path])).toEqual([
      ['b', ['n']],
      [null, ['id']],
    ]);
    expect(result.logs.some((l) => l.level === 'warn' && l.message.includes('did not match'))).toBe(true);
  });

  it('types triggerAction from an action definition', () => {
    expectTypeOf<ActionInput<typeof echo>>().toEqualTypeOf<{ name: string; count?: number | undefined }>();
    expectTypeOf<ActionOutput<typeof echo>>().toEqualTypeOf<{ greeting: string }>();
  });
});
