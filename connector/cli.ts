#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { StripeError, StripeInputValidationError, maskSecrets } from './errors';
import { renderManifest } from './manifest';
import { parseActionInput, runParsed } from './action';
import { getAction, listActions } from './registry';
import { closeTransport } from './transport';
import { TRIGGER_COMMANDS, TRIGGER_USAGE } from '../triggers/usage';
import { clientFromEnv, inputError } from './cli-input';
import { MCP_USAGE } from './mcp/usage';

const USAGE = `Usage: stripe-connector <command>

  manifest                                 print the manifest (JSON)
  actions                                  list action keys and titles
  run <action_key> --input '<json>'        run one action (or --input-file FILE)
${MCP_USAGE}
${TRIGGER_USAGE}

Connection from the environment: STRIPE_SECRET_KEY (required for run and mcp), STRIPE_ACCOUNT,
STRIPE_API_VERSION, STRIPE_API_BASE. LOG_LEVEL (info: a line per request, warn: retries) logs
to stderr as pino JSON; unset, stderr carries only the {"error": ...} of a failure.
Exit codes: 0 ok, 2 invalid input, 1 any other failure.`;

/** A failure the CLI reports as `{"error": ...}` on stderr. */
function reportError(error: unknown): number {
  const body =
    error instanceof StripeError
      ? error.toJSON()
      : { name: 'Error', type: 'cli_error', message: maskSecrets(error instanceof Error ? error.message : String(error)) };
  process.stderr.write(`${JSON.stringify({ error: body })}\n`);
  return error instanceof StripeInputValidationError ? 2 : 1;
}

function readInput(values: { input?: string; 'input-file'?: string }): unknown {
  if (values.input !== undefined && values['input-file'] !== undefined) throw inputError('input', 'give --input or --input-file, not both');
  let text = values.input ?? '{}';
  if (values['input-file'] !== undefined) {
    try {
      text = readFileSync(values['input-file'], 'utf8');
    } catch (error) {
      throw inputError('input-file', `cannot read ${values['input-file']} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw inputError('input', `not valid JSON (${(error as Error).message})`);
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== undefined && TRIGGER_COMMANDS.has(command)) {
    // Loaded only for these commands: BullMQ and ioredis add ~150 ms to every start.
    return (await import('../triggers/cli-commands.js')).runTriggerCommand(command, rest);
  }
  switch (command) {
    case 'mcp':
      return (await import('./mcp/cli.js')).runMcpCommand(rest);
    case 'manifest':
      parseArgs({ args: rest, options: {} });
      process.stdout.write(renderManifest());
      return 0;
    case 'actions': {
      parseArgs({ args: rest, options: {} });
      for (const action of listActions()) process.stdout.write(`${action.key}\t${action.title}\n`);
      return 0;
    }
    case 'run': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { input: { type: 'string' }, 'input-file': { type: 'string' } },
      });
      const key = positionals[0];
      if (!key || positionals.length > 1) throw inputError('action', 'give exactly one action key: stripe-connector run <action_key>');
      const action = getAction(key);
      const input = readInput(values);
      // Input problems are reported before connection problems: they are the ones the user just typed.
      const parsed = parseActionInput(action, input);
      const result = await runParsed(action, parsed, { client: clientFromEnv() });
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      return 0;
    }
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return 0;
    case undefined:
      process.stderr.write(`${USAGE}\n`);
      return 2;
    default:
      throw inputError('command', `unknown command ${JSON.stringify(command)}\n${USAGE}`);
  }
}

function isArgumentError(error: unknown): error is Error {
  return String((error as { code?: unknown })?.code ?? '').startsWith('ERR_PARSE_ARGS');
}

// A reader that stops early (`stripe-connector actions | head`) is not a failure of the command.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

main(process.argv.slice(2))
  .catch((error: unknown) => reportError(isArgumentError(error) ? inputError('arguments', error.message) : error))
  .then(async (code) => {
    await closeTransport();
    process.exitCode = code;
  });
