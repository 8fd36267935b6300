/**
 * The CLI's commands as data: name, synopsis, summary, options. Parsing, `--help` on every command and
 * "did you mean" for commands and options all come from this one table. A command's code is loaded
 * only when it runs, so `run` never loads BullMQ and `triggers` never loads the MCP SDK.
 *
 * Built on node's parseArgs rather than a CLI library: the table, the help renderer and the
 * suggestions are ~200 lines, while a library would still need overriding for what this CLI must do
 * (JSON errors when piped, exit code 2 for bad input, `run <action> --help` from the manifest,
 * suggestions over action keys and trigger filters).
 */
import { parseArgs } from 'node:util';
import { DEFAULT_PREFIX } from '../../triggers/keys';
import { suggest } from '../suggest';
import { inputError } from './input';
import type { Terminal } from './terminal';

export interface OptionSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  short?: string;
  /** The value's placeholder in the help, e.g. JSON, FILE, N. */
  value?: string;
  description: string;
}

export type OptionValues = Record<string, string | boolean | string[] | undefined>;

export interface ParsedCommand {
  values: OptionValues;
  positionals: string[];
}

export interface CommandContext {
  term: Terminal;
}

export type CommandHandler = (parsed: ParsedCommand, ctx: CommandContext) => Promise<number>;

export interface CommandSpec {
  name: string;
  /** Arguments and options as the usage line shows them. */
  synopsis: string;
  summary: string;
  /** Positional arguments: how many, and what they are called in errors. */
  positionals: { names: string[]; min: number; max: number };
  options: Record<string, OptionSpec>;
  /** Shown under the options in the command's help. */
  notes?: string;
  section: 'Actions' | 'Triggers';
  /**
   * `--help` with arguments that name something (an action, a trigger) shows that thing instead:
   * resolves to the text, or undefined for the command's own help.
   */
  describe?: (positionals: string[]) => Promise<string | undefined>;
  load: () => Promise<CommandHandler>;
}

/** Options every command takes. */
const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  json: { type: 'boolean', description: 'JSON output and JSON errors, also at a terminal (what scripts get when piped)' },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
};

const TRIGGER_ENV = `Triggers use Redis: REDIS_URL (default redis://127.0.0.1:6379), REDIS_PREFIX (default
${DEFAULT_PREFIX}). A Redis Cluster: REDIS_CLUSTER=1, REDIS_URL its seed nodes (comma-separated), and
REDIS_SHARDS=N to spread the subscriptions over N hash tags (default 1; the same N everywhere).
Credentials are stored encrypted: CONNECTOR_ENCRYPTION_KEY (make one with \`openssl rand -hex 32\`)
must be set for subscribe, poll and worker.`;

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'manifest',
    synopsis: 'manifest',
    summary: 'print the manifest (JSON)',
    positionals: { names: [], min: 0, max: 0 },
    options: {},
    section: 'Actions',
    load: async () => (await import('./actions.js')).manifestCommand,
  },
  {
    name: 'actions',
    synopsis: 'actions [--group G] [SEARCH]',
    summary: 'list actions: one group\'s, or those matching SEARCH',
    positionals: { names: ['search'], min: 0, max: 1 },
    options: {
      group: { type: 'string', value: 'G', description: 'only this group\'s actions (customers, charges, invoices...)' },
    },
    notes: 'SEARCH matches the key, title and description, case-insensitively; every word must match.',
    section: 'Actions',
    load: async () => (await import('./actions.js')).actionsCommand,
  },
  {
    name: 'run',
    synopsis: 'run <action> [--input JSON | --input-file FILE]',
    summary: 'run one action (`run <action> --help`: its fields)',
    positionals: { names: ['action'], min: 1, max: 1 },
    options: {
      input: { type: 'string', value: 'JSON', description: 'the action\'s input as JSON (default {}); - reads it from stdin' },
      'input-file': { type: 'string', value: 'FILE', description: 'read the input from FILE; - reads stdin' },
    },
    notes:
      '`run <action> --help` lists the action\'s fields.\n' +
      'Prints Stripe\'s JSON on stdout. Exit codes: 0 ok, 2 invalid input (nothing was sent), 1 any other failure.\n' +
      'List actions take return_all and max_items; at a terminal a long walk shows its progress on stderr.',
    section: 'Actions',
    describe: async ([key]) => (key === undefined ? undefined : (await import('./actions.js')).describeAction(key)),
    load: async () => (await import('./actions.js')).runCommand,
  },
  {
    name: 'mcp',
    synopsis: 'mcp [--tools LIST] [--read-only] [--allow-live-writes] [--output-schemas] [--result-budget BYTES]',
    summary: 'serve the actions as MCP tools over stdio',
    positionals: { names: [], min: 0, max: 0 },
    options: {
      tools: {
        type: 'string',
        multiple: true,
        value: 'LIST',
        description:
          'serve these actions as their own typed tools: all, action keys, groups (customers) or a group\'s half (charges.read, invoices.write); may repeat. ' +
          'Default: four tools (search_actions, describe_action, run_read_action, run_write_action) that reach every action',
      },
      'read-only': { type: 'boolean', description: 'list and allow read-only actions only' },
      'allow-live-writes': { type: 'boolean', description: 'with a live key, allow write actions (refused otherwise)' },
      'output-schemas': { type: 'boolean', description: 'give --tools tools their outputSchema (about 8 KB a tool)' },
      'result-budget': { type: 'string', value: 'BYTES', description: 'bytes of JSON one list or search result may take (default 80000); a longer one is cut at an item' },
    },
    section: 'Actions',
    load: async () => (await import('./mcp.js')).mcpCommand,
  },
  {
    name: 'triggers',
    synopsis: 'triggers',
    summary: 'list trigger keys and titles',
    positionals: { names: [], min: 0, max: 0 },
    options: {},
    section: 'Triggers',
    load: async () => (await import('./triggers.js')).triggersCommand,
  },
  {
    name: 'subscribe',
    synopsis: 'subscribe <trigger> --id <id> [--every 10m] [--filter k=v]... [--backfill N] [--lookback S] [--delivery webhook+poll]',
    summary: 'create or update a subscription (key from env)',
    positionals: { names: ['trigger'], min: 1, max: 1 },
    options: {
      id: { type: 'string', value: 'ID', description: 'your id for the subscription (letters, digits, - and _)' },
      every: { type: 'string', value: 'INTERVAL', description: 'how often to poll: 90s, 10m, 1h ... between 1m and 24h (default 10m)' },
      filter: { type: 'string', multiple: true, value: 'k=v', description: 'one of the trigger\'s filters; may repeat' },
      backfill: { type: 'string', value: 'N', description: 'the first poll emits the N newest objects (0-100, default 0)' },
      lookback: { type: 'string', value: 'S', description: 'seconds of look-back for late and same-second objects (default 60)' },
      'max-pages': { type: 'string', value: 'N', description: 'pages of 100 one poll walks at most (default 50)' },
      delivery: { type: 'string', value: 'MODE', description: 'poll (default) or webhook+poll: instant through Stripe webhooks (`stripe-connector webhooks`), the poll as backstop' },
    },
    notes: `\`subscribe <trigger> --help\` lists the trigger's filters.\n${TRIGGER_ENV}`,
    section: 'Triggers',
    describe: async ([key]) => (key === undefined ? undefined : (await import('./triggers.js')).describeTrigger(key)),
    load: async () => (await import('./triggers.js')).subscribeCommand,
  },
  {
    name: 'unsubscribe',
    synopsis: 'unsubscribe <id>',
    summary: 'remove a subscription (and its stored key once unused)',
    positionals: { names: ['id'], min: 1, max: 1 },
    options: {},
    notes: TRIGGER_ENV,
    section: 'Triggers',
    load: async () => (await import('./triggers.js')).unsubscribeCommand,
  },
  {
    name: 'subscriptions',
    synopsis: 'subscriptions',
    summary: 'status, last poll, cursor, events and last error of each',
    positionals: { names: [], min: 0, max: 0 },
    options: {},
    notes: TRIGGER_ENV,
    section: 'Triggers',
    load: async () => (await import('./triggers.js')).subscriptionsCommand,
  },
  {
    name: 'poll',
    synopsis: 'poll <id>',
    summary: 'one poll now, no worker: each event one JSON line',
    positionals: { names: ['id'], min: 1, max: 1 },
    options: {},
    notes: `The events it prints count as delivered (they are not also queued for a worker).\n${TRIGGER_ENV}`,
    section: 'Triggers',
    load: async () => (await import('./triggers.js')).pollCommand,
  },
  {
    name: 'events',
    synopsis: 'events failed [--subscription ID] | events retry <event id>... | --all',
    summary: 'events whose delivery gave up; queue them again',
    positionals: { names: ['action', 'id'], min: 1, max: 1000 },
    options: {
      subscription: { type: 'string', value: 'ID', description: 'only this subscription\'s events' },
      limit: { type: 'string', value: 'N', description: 'events failed: at most N, oldest failure first (default 100)' },
      all: { type: 'boolean', description: 'events retry: every failed event (of --subscription, if given)' },
    },
    notes:
      'An event lands here when its delivery attempts are used up (a consumer or webhook that kept failing)\n' +
      'or its delivery was interrupted too many times (workers killed while delivering it). It is kept\n' +
      'until retried. A retried event goes after its subscription\'s waiting events, under the same id\n' +
      '(the webhook\'s Idempotency-Key), so consumers still dedupe it. Exit 1 when an id was not failed.\n' +
      TRIGGER_ENV,
    section: 'Triggers',
    load: async () => (await import('./events.js')).eventsCommand,
  },
  {
    name: 'playground',
    synopsis: 'playground [--port N] [--host H]',
    summary: 'a local web page: the connection, every action\'s form, triggers live, the MCP tools',
    positionals: { names: [], min: 0, max: 0 },
    options: {
      port: { type: 'string', value: 'N', description: 'port to listen on (default 4242; 0 picks a free one)' },
      host: { type: 'string', value: 'H', description: 'address to bind (default 127.0.0.1: the page acts with the key it holds)' },
    },
    notes:
      'The key is set in the page and kept in the server\'s memory only (STRIPE_SECRET_KEY, when set, is used at start).\n' +
      'STRIPE_API_BASE points it at another Stripe (the emulator); the Triggers tab needs REDIS_URL.\n' +
      '`npm run playground` starts it on the project\'s emulator with a Redis of its own.',
    section: 'Actions',
    load: async () => (await import('./playground.js')).playgroundCommand,
  },
  {
    name: 'worker',
    synopsis: 'worker [--concurrency N] [--webhook URL] [--serve-shards LIST]',
    summary: 'run scheduled polls; events on stdout or POSTed to URL',
    positionals: { names: [], min: 0, max: 0 },
    options: {
      concurrency: { type: 'string', value: 'N', description: 'polls at once (1-1000, default 200)' },
      webhook: { type: 'string', value: 'URL', description: 'POST each event as JSON to this http(s) URL' },
      'lock-ttl-ms': { type: 'string', value: 'MS', description: 'per-subscription poll lock expiry (default 30000)' },
      'job-lock-ms': { type: 'string', value: 'MS', description: 'BullMQ job lock of polls: how soon a dead worker\'s poll runs again (default 30000; deliveries: 3000)' },
      'shutdown-ms': { type: 'string', value: 'MS', description: 'on SIGTERM/SIGINT, wait this long for running polls (default 25000)' },
      'serve-shards': { type: 'string', value: 'LIST', description: 'only these shards, e.g. 0,2 (of REDIS_SHARDS; default all)' },
    },
    notes: TRIGGER_ENV,
    section: 'Triggers',
    load: async () => (await import('./triggers.js')).workerCommand,
  },
];

const BY_NAME = new Map(COMMANDS.map((command) => [command.name, command]));
const HELP_WORDS = new Set(['help', '--help', '-h']);

/** The command named `name`, or an input error naming the closest commands and listing them all. */
export function findCommand(name: string): CommandSpec {
  const command = BY_NAME.get(name);
  if (command) return command;
  const names = [...BY_NAME.keys(), 'help'];
  const close = suggest(name, names);
  throw inputError('command', `unknown command ${JSON.stringify(name)}${close.length ? `; did you mean ${close.join(' or ')}?` : ''}`, {
    did_you_mean: close,
    valid: names,
  });
}

export function isHelpWord(word: string | undefined): boolean {
  return word !== undefined && HELP_WORDS.has(word);
}

function optionLabel(name: string, spec: OptionSpec): string {
  const long = `--${name}${spec.type === 'string' ? ` ${spec.value ?? 'VALUE'}` : ''}`;
  return spec.short ? `-${spec.short}, ${long}` : long;
}

/**
 * Parses a command's arguments. Unknown options, a string option without its value, a boolean given
 * one, and a wrong number of arguments are input errors naming the option (with the closest valid
 * ones); `help` is true when --help or -h was given anywhere.
 */
export function parseCommand(command: CommandSpec, args: string[]): ParsedCommand & { help: boolean } {
  const options = { ...command.options, ...GLOBAL_OPTIONS };
  const { values, positionals, tokens } = parseArgs({
    args,
    options: Object.fromEntries(
      Object.entries(options).map(([name, { type, multiple, short }]) => [name, { type, ...(multiple ? { multiple } : {}), ...(short ? { short } : {}) }]),
    ),
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const valid = Object.keys(options).map((name) => `--${name}`);
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const spec = Object.hasOwn(options, token.name) ? options[token.name] : undefined;
    if (!spec) {
      const close = suggest(token.rawName, valid);
      throw inputError(token.rawName, `unknown option for ${command.name}${close.length ? `; did you mean ${close.join(' or ')}?` : ''}`, {
        did_you_mean: close,
        valid,
      });
    }
    if (spec.type === 'string' && (token.value === undefined || (!token.inlineValue && token.value.length > 1 && token.value.startsWith('-')))) {
      throw inputError(`--${token.name}`, `needs a value: ${optionLabel(token.name, spec)} (a value starting with - goes as --${token.name}=VALUE)`);
    }
    if (spec.type === 'boolean' && token.inlineValue) throw inputError(`--${token.name}`, 'takes no value');
  }
  const help = values.help === true;
  if (!help) {
    const { names, min, max } = command.positionals;
    if (positionals.length < min || positionals.length > max) {
      const field = names[Math.min(positionals.length, names.length - 1)] ?? 'arguments';
      throw inputError(field, max === 0 ? `${command.name} takes no arguments: stripe-connector ${command.synopsis}` : `expected: stripe-connector ${command.synopsis}`);
    }
  }
  return { values: values as OptionValues, positionals, help };
}

/** A command's help: usage, summary, options, notes. */
export function commandHelp(command: CommandSpec): string {
  const options = { ...command.options, ...GLOBAL_OPTIONS };
  const rows = Object.entries(options).map(([name, spec]) => [optionLabel(name, spec), spec.description + (spec.multiple ? ' (may repeat)' : '')]);
  const width = Math.max(...rows.map(([label]) => label!.length));
  const lines = [
    `Usage: stripe-connector ${command.synopsis}`,
    '',
    capitalize(command.summary) + '.',
    '',
    'Options:',
    ...rows.map(([label, text]) => `  ${label!.padEnd(width)}  ${text}`),
  ];
  if (command.notes) lines.push('', command.notes);
  return `${lines.join('\n')}\n`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The whole CLI's usage. */
/** Column where a command's summary starts in the usage; a longer synopsis puts it on the next line. */
const SUMMARY_COLUMN = 44;

function usageEntry(synopsis: string, summary: string): string[] {
  const head = `  ${synopsis}`;
  if (head.length < SUMMARY_COLUMN - 1) return [`${head.padEnd(SUMMARY_COLUMN)}${summary}`];
  return [head, `${' '.repeat(SUMMARY_COLUMN)}${summary}`];
}

export function usage(): string {
  const lines = ['Usage: stripe-connector <command> [options]', ''];
  for (const section of ['Actions', 'Triggers'] as const) {
    lines.push(`${section}:`);
    for (const command of COMMANDS.filter((c) => c.section === section)) lines.push(...usageEntry(command.synopsis, command.summary));
    lines.push('');
  }
  lines.push(
    ...usageEntry('help [command]', 'this help, or a command\'s (<command> --help)'),
    ...usageEntry('--version', 'the connector\'s version'),
    '',
    'Connection from the environment: STRIPE_SECRET_KEY (required for run, mcp and subscribe),',
    'STRIPE_ACCOUNT, STRIPE_API_VERSION, STRIPE_API_BASE. LOG_LEVEL (info: a line per request, warn:',
    'retries) logs to stderr as pino JSON.',
    'At a terminal, results are colored and errors readable; piped, or with --json, stdout is JSON',
    'and stderr only the {"error": ...} of a failure. NO_COLOR turns colors off.',
    'Exit codes: 0 ok, 2 invalid input (nothing was sent), 1 any other failure.',
    '',
    TRIGGER_ENV,
  );
  return `${lines.join('\n')}\n`;
}
