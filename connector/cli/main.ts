#!/usr/bin/env node
/**
 * `stripe-connector <command>`: finds the command, parses its arguments, shows help where asked, runs
 * it, and reports a failure (JSON when piped or with --json, readable at a terminal). Exit codes: 0 ok,
 * 2 invalid input (nothing was sent), 1 anything else.
 */
import { closeTransport } from '../../client/transport';
import { CONNECTOR_VERSION } from '../../client/version';
import { commandHelp, findCommand, isHelpWord, parseCommand, usage } from './commands';
import { inputError } from './input';
import { detectTerminal, reportError, writeOut, type Terminal } from './terminal';

/** `--json` anywhere before a `--` (it decides how even an unknown command's error is printed). */
function wantsJson(argv: string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).includes('--json');
}

async function main(argv: string[], term: Terminal): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    process.stderr.write(usage());
    return 2;
  }
  if (isHelpWord(name)) {
    const topic = rest.find((arg) => !arg.startsWith('-'));
    await writeOut(topic === undefined ? usage() : commandHelp(findCommand(topic)));
    return 0;
  }
  if (name === '--version' || name === 'version') {
    await writeOut(`${CONNECTOR_VERSION}\n`);
    return 0;
  }
  if (name === '--json') throw inputError('command', 'give a command first: stripe-connector <command> --json');
  const command = findCommand(name);
  const parsed = parseCommand(command, rest);
  if (parsed.help) {
    const described = await command.describe?.(parsed.positionals);
    await writeOut(described ?? commandHelp(command));
    return 0;
  }
  const handler = await command.load();
  return handler(parsed, { term });
}

// A reader that stops early (`stripe-connector actions | head`) is not a failure of the command.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const argv = process.argv.slice(2);
const term = detectTerminal(wantsJson(argv));
main(argv, term)
  .catch((error: unknown) => reportError(term, error))
  .then(async (code) => {
    await closeTransport();
    process.exitCode = code;
  });
