#!/usr/bin/env node
/**
 * `pier`: write, try and deploy integration scripts.
 *
 *   pier init [dir]                 scaffold a project (one action, sync and on-event script)
 *   pier compile                    type-check and bundle every script into build/
 *   pier dryrun <name> <connection-id> [--integration-id key] [--input json|@file] [--metadata …] [--checkpoint …]
 *   pier deploy [--env name] [--integration key] [--yes] [--allow-destructive] [--dry-run]
 *   pier status
 *
 * Every command takes --json (machine-readable output) and reads PIER_HOST / PIER_SECRET_KEY
 * (or NANGO_HOSTPORT / NANGO_SECRET_KEY_DEV) from the environment or `.env`.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import type { DeployPlan } from '../contract/functions.js';
import { callApi, readTarget } from './api.js';
import { type CompiledScript, compileProject, deploymentFunctions } from './compile.js';
import { initProject } from './init.js';
import { CliError } from './project.js';

const USAGE = `Usage: pier <command> [options]

Commands:
  init [dir]                          Scaffold a scripts project
  compile                             Type-check and bundle every script into build/
  dryrun <name> <connection-id>       Run a script against a connection; nothing is saved
      --integration-id <key>  --input <json|@file>  --metadata <json|@file>  --checkpoint <json|@file>
  deploy                              Upload what changed (shows the plan; asks before destructive changes)
      --integration <key>  --yes  --allow-destructive  --dry-run
  status                              What is deployed

Options: --json (machine-readable output), --env <name> (use PIER_SECRET_KEY_<NAME>, e.g. --env prod), --help`;

type Out = { json: boolean; log(line: string): void; result(value: unknown, text: () => string): void };

function jsonArg(value: string | undefined, what: string): unknown {
  if (value === undefined) return undefined;
  const text = value.startsWith('@') ? readFileSync(resolve(value.slice(1)), 'utf8') : value;
  try {
    return JSON.parse(text);
  } catch {
    throw new CliError(`--${what} is not valid JSON${value.startsWith('@') ? ` (${value.slice(1)})` : ''}`);
  }
}

function planText(plan: DeployPlan): string {
  const line = (sign: string, e: { integration: string; type: string; name: string }, extra = '') =>
    `  ${sign} ${e.integration}/${e.type}/${e.name}${extra}`;
  const lines = [
    ...plan.create.map((e) => line('+', e)),
    ...plan.update.map((e) => line('~', e, ` (${e.changes.join(', ')})`)),
    ...plan.remove.map((e) => line('-', e)),
  ];
  if (lines.length === 0) return `Nothing to deploy: ${plan.unchanged.length} unchanged.`;
  return [`Plan (${plan.unchanged.length} unchanged):`, ...lines].join('\n');
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      yes: { type: 'boolean', short: 'y', default: false },
      'auto-confirm': { type: 'boolean', default: false },
      'allow-destructive': { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      integration: { type: 'string', short: 'i' },
      env: { type: 'string', short: 'e' },
      'integration-id': { type: 'string' },
      input: { type: 'string' },
      metadata: { type: 'string' },
      checkpoint: { type: 'string' },
      lastSyncDate: { type: 'string' },
      variant: { type: 'string' },
      'no-type-check': { type: 'boolean', default: false },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return command || values.help ? 0 : 1;
  }
  const out: Out = {
    json: values.json,
    log: (line) => {
      if (!values.json) process.stderr.write(`${line}\n`);
    },
    result: (value, text) => process.stdout.write(values.json ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`),
  };
  const projectDir = process.cwd();
  const typeCheck = !values['no-type-check'];

  switch (command) {
    case 'init': {
      const dir = resolve(rest[0] ?? '.');
      const files = initProject(dir);
      out.result(
        { dir, files },
        () =>
          `Created ${files.length} files in ${dir}:\n${files.map((f) => `  ${f}`).join('\n')}\nNext: npm install zod, set PIER_HOST and PIER_SECRET_KEY, then pier deploy`,
      );
      return 0;
    }
    case 'compile': {
      const compiled = await compileProject(projectDir, { typeCheck, progress: out.log });
      out.result(
        compiled.map(({ integration, type, name, bytes }) => ({ integration, type, name, bytes })),
        () =>
          `Compiled ${compiled.length} scripts into build/:\n${compiled.map((s) => `  ${s.integration}/${s.type}/${s.name} (${(s.bytes / 1024).toFixed(1)} KiB)`).join('\n')}`,
      );
      return 0;
    }
    case 'dryrun': {
      const [name, connectionId] = rest;
      if (!name || !connectionId)
        throw new CliError('Usage: pier dryrun <name> <connection-id> [--integration-id key] [--input json]');
      const target = readTarget(projectDir, process.env, values.env);
      const [script, ...others] = await compileProject(projectDir, {
        typeCheck,
        progress: out.log,
        only: (s) => s.name === name && (!values['integration-id'] || s.integration === values['integration-id']),
      });
      if (!script) throw new CliError(`No script named ${name}`);
      if (others.length > 0)
        throw new CliError(`Several integrations have a script named ${name}; pass --integration-id`);
      out.log(
        `Running ${script.integration}/${script.type}/${name} on connection ${connectionId} (dry run: nothing is saved)…`,
      );
      const { data } = await callApi<{
        data: {
          ok: boolean;
          output?: unknown;
          error?: { code: string; message: string; payload?: unknown };
          logs: { level: string; message: string }[];
          checkpoint?: unknown;
          duration_ms: number;
        };
      }>(target, 'POST', '/functions/dryruns', {
        integration: script.integration,
        connection_id: connectionId,
        function: { name: script.name, type: script.type },
        bundle: script.bundle,
        input: jsonArg(values.input, 'input'),
        metadata: jsonArg(values.metadata, 'metadata'),
        checkpoint: jsonArg(values.checkpoint, 'checkpoint'),
        last_sync_date: values.lastSyncDate,
        variant: values.variant,
      });
      out.result(data, () =>
        [
          ...data.logs.map((l) => `[${l.level}] ${l.message}`),
          data.ok
            ? `Output:\n${JSON.stringify(data.output, null, 2)}`
            : `Failed (${data.error?.code}): ${data.error?.message}${data.error?.payload === undefined ? '' : `\n${JSON.stringify(data.error.payload, null, 2)}`}`,
          ...(data.checkpoint ? [`Checkpoint at the end: ${JSON.stringify(data.checkpoint)}`] : []),
          `(${data.duration_ms} ms)`,
        ].join('\n'),
      );
      return data.ok ? 0 : 1;
    }
    case 'deploy': {
      const target = readTarget(projectDir, process.env, values.env);
      const only = values.integration;
      const compiled: CompiledScript[] = await compileProject(projectDir, {
        typeCheck,
        progress: out.log,
        only: (s) => !only || s.integration === only,
      });
      const body = {
        integrations: only ? [only] : [...new Set(compiled.map((s) => s.integration))],
        functions: deploymentFunctions(compiled),
      };
      out.log(`Planning against ${target.host}…`);
      const preview = await callApi<{ data: { plan: DeployPlan } }>(target, 'POST', '/functions/deployments', {
        ...body,
        dry_run: true,
      });
      const plan = preview.data.plan;
      out.log(planText(plan));
      if (values['dry-run']) {
        out.result({ plan, applied: false }, () => 'Dry run: nothing deployed.');
        return 0;
      }
      let allowDestructive = values['allow-destructive'];
      if (plan.destructive.length > 0 && !allowDestructive) {
        out.log(`Destructive changes:\n${plan.destructive.map((d) => `  ! ${d}`).join('\n')}`);
        allowDestructive = values.yes || values['auto-confirm'] || (await confirm('Apply them?'));
        if (!allowDestructive)
          throw new CliError(
            'Not deployed: destructive changes need confirmation (answer y, or pass --yes / --allow-destructive)',
          );
      }
      const applied = await callApi<{ data: { plan: DeployPlan; applied: boolean } }>(
        target,
        'POST',
        '/functions/deployments',
        {
          ...body,
          allow_destructive: allowDestructive,
        },
      );
      const p = applied.data.plan;
      out.result(
        applied.data,
        () =>
          `Deployed: ${p.create.length} created, ${p.update.length} updated, ${p.remove.length} removed, ${p.unchanged.length} unchanged.`,
      );
      return 0;
    }
    case 'status': {
      const target = readTarget(projectDir, process.env, values.env);
      const config = await callApi<
        {
          providerConfigKey: string;
          syncs: { name: string; version: string | null; last_deployed: string }[];
          actions: { name: string; version: string | null; last_deployed: string }[];
          'on-events': { name: string; event?: string; last_deployed: string }[];
        }[]
      >(target, 'GET', '/scripts/config');
      out.result(config, () =>
        config.length === 0
          ? 'Nothing deployed.'
          : config
              .map((entry) =>
                [
                  `${entry.providerConfigKey}:`,
                  ...entry.actions.map(
                    (a) => `  action   ${a.name}${a.version ? ` v${a.version}` : ''}  (${a.last_deployed})`,
                  ),
                  ...entry.syncs.map(
                    (s) => `  sync     ${s.name}${s.version ? ` v${s.version}` : ''}  (${s.last_deployed})`,
                  ),
                  ...entry['on-events'].map((e) => `  on-event ${e.name} → ${e.event}  (${e.last_deployed})`),
                ].join('\n'),
              )
              .join('\n'),
      );
      return 0;
    }
    default:
      throw new CliError(`Unknown command "${command}"\n\n${USAGE}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof CliError || (err instanceof Error && err.name === 'CliError'))
      process.stderr.write(`pier: ${(err as Error).message}\n`);
    else if (
      err instanceof TypeError &&
      /parseArgs|Unknown option|ERR_PARSE_ARGS/.test(String((err as { code?: string }).code ?? err.message))
    )
      process.stderr.write(`pier: ${err.message}\n\n${USAGE}\n`);
    else
      process.stderr.write(
        `pier: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
    process.exitCode = 1;
  },
);
