import { PierError } from '../errors.js';
import { ProxyUpstreamError } from '../proxy.js';
import { ScriptContext, ScriptProxyError } from './context.js';
import { ActionError, type ScriptDefinition } from './define.js';
import type { Invocation, RunResult, ScriptFailure } from './protocol.js';
import { InputValidationError } from './runtime-errors.js';

/**
 * Wraps a script definition as the Worker the platform dispatches to: `POST /run` with an
 * {@link Invocation} runs it once and answers a {@link RunResult}. The CLI's bundle is
 * `export default serveScript(definition)`.
 */
export function serveScript(definition: ScriptDefinition): { fetch(request: Request): Promise<Response> } {
  return {
    async fetch(request: Request): Promise<Response> {
      if (request.method !== 'POST' || new URL(request.url).pathname !== '/run')
        return new Response('Not found', { status: 404 });
      const invocation = (await request.json()) as Invocation;
      return Response.json(await runOnce(definition, invocation));
    },
  };
}

/** Runs a definition once; every failure becomes a {@link ScriptFailure}, nothing is thrown. */
export async function runOnce(definition: ScriptDefinition, invocation: Invocation): Promise<RunResult> {
  const nango = new ScriptContext(invocation, definition.type === 'sync' ? { models: definition.models } : {});
  const finish = (result: { ok: true; output: unknown } | { ok: false; error: ScriptFailure }): RunResult => {
    if (nango.droppedLogLines > 0)
      nango.logs.push({
        level: 'warn',
        message: `${nango.droppedLogLines} more log lines were not kept (limit per run)`,
        at: new Date().toISOString(),
      });
    const checkpoint = nango.dryRunCheckpoint;
    const records = nango.dryRunRecords;
    return {
      ...result,
      logs: nango.logs,
      ...(checkpoint === undefined ? {} : { checkpoint }),
      ...(nango.invalidRecordCount > 0
        ? { invalidRecords: nango.invalidRecords, invalidRecordCount: nango.invalidRecordCount }
        : {}),
      ...(records && Object.keys(records).length > 0 ? { records } : {}),
    };
  };
  if (definition.type !== invocation.kind)
    return finish({
      ok: false,
      error: { type: 'wrong_kind', message: `This script is a ${definition.type}, not a ${invocation.kind}` },
    });
  try {
    switch (definition.type) {
      case 'action': {
        const input = definition.input.safeParse(invocation.input);
        if (!input.success) throw new InputValidationError(input.error.issues);
        const output = await definition.exec(nango, input.data);
        const checked = definition.output.safeParse(output);
        if (!checked.success) {
          const issues = new InputValidationError(checked.error.issues).issues;
          return finish({
            ok: false,
            error: {
              type: 'invalid_output',
              message: `The action returned output that does not match its schema: ${issues[0]?.message ?? ''}`,
              issues,
            },
          });
        }
        return finish({ ok: true, output: checked.data ?? null });
      }
      case 'sync':
        if (invocation.webhookPayload !== undefined) {
          if (!definition.onWebhook)
            return finish({
              ok: false,
              error: { type: 'script_error', message: 'This sync has no onWebhook handler' },
            });
          await definition.onWebhook(nango, invocation.webhookPayload);
        } else await definition.exec(nango);
        return finish({ ok: true, output: null });
      case 'on-event':
        return finish({ ok: true, output: (await definition.exec(nango)) ?? null });
    }
  } catch (err) {
    return finish({ ok: false, error: failureOf(err) });
  }
}

function failureOf(err: unknown): ScriptFailure {
  if (err instanceof InputValidationError) return { type: 'invalid_input', message: err.message, issues: err.issues };
  if (err instanceof ActionError || (err instanceof Error && err.name === 'ActionError'))
    return { type: 'action_error', message: err.message, payload: (err as ActionError).payload ?? {} };
  if (err instanceof ScriptProxyError || err instanceof ProxyUpstreamError) {
    const response = err.response;
    const headers = response.headers instanceof Headers ? Object.fromEntries(response.headers) : response.headers;
    return {
      type: 'script_error',
      message: `A call to the provider failed with ${response.status}`,
      upstream: { status: response.status, headers: pickHeaders(headers), body: response.data },
    };
  }
  if (err instanceof PierError) return { type: 'script_error', message: `${err.code}: ${err.message}` };
  if (err instanceof Error) return { type: 'script_error', message: `${err.name}: ${err.message}` };
  return { type: 'script_error', message: `The script threw ${typeof err === 'string' ? err : 'a non-error value'}` };
}

/** The upstream headers worth reporting: content type and rate-limit headers. */
function pickHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter(
      ([name]) => name === 'content-type' || /^x-rate|^ratelimit|^retry-after/i.test(name),
    ),
  );
}
