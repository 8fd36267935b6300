/**
 * Where the CLI's output goes and how it looks. At a terminal: colored JSON, tables, readable errors
 * and progress lines on stderr. Piped, or with --json: JSON exactly as scripts expect it, and nothing
 * on stderr but the `{"error": ...}` document of a failure.
 */
import { StripeError, StripeInputValidationError, maskSecrets, type FieldProblem } from '../../client/errors';

export interface Terminal {
  /** Results as JSON (stdout is not a terminal, or --json). */
  readonly json: boolean;
  /** Errors as one JSON document (stderr is not a terminal, or --json). */
  readonly jsonErrors: boolean;
  /** Progress lines on stderr (stderr is a terminal, and not --json). */
  readonly progress: boolean;
  /** Colors on stdout, and on stderr. */
  readonly color: boolean;
  readonly colorErrors: boolean;
}

export function detectTerminal(forceJson: boolean): Terminal {
  const color = !process.env.NO_COLOR && process.env.TERM !== 'dumb';
  return {
    json: forceJson || !process.stdout.isTTY,
    jsonErrors: forceJson || !process.stderr.isTTY,
    progress: !forceJson && !!process.stderr.isTTY,
    color: color && !!process.stdout.isTTY && !forceJson,
    colorErrors: color && !!process.stderr.isTTY && !forceJson,
  };
}

const ANSI = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, gray: 90, bold: 1 } as const;
export type Color = keyof typeof ANSI;

export function paint(text: string, color: Color, enabled: boolean): string {
  return enabled ? `\x1b[${ANSI[color]}m${text}\x1b[0m` : text;
}

/** JSON indented by two spaces, with keys, strings, numbers and literals colored when `color` is on. */
export function prettyJson(value: unknown, color: boolean, indent = ''): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value) ?? 'null';
    if (typeof value === 'string') return paint(text, 'green', color);
    if (typeof value === 'number') return paint(text, 'yellow', color);
    return paint(text, 'magenta', color);
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => inner + prettyJson(item, color, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  const lines = entries.map(([key, v]) => `${inner}${paint(JSON.stringify(key), 'cyan', color)}: ${prettyJson(v, color, inner)}`);
  return `{\n${lines.join(',\n')}\n${indent}}`;
}

/** Writes to stdout, waiting for the pipe to drain so a large result is never cut. */
export function writeOut(text: string): Promise<void> {
  return new Promise((resolve) => {
    if (!process.stdout.write(text)) process.stdout.once('drain', resolve);
    else resolve();
  });
}

/** One result: JSON as before when piped (indented when `indented`), colored JSON at a terminal. */
export function printResult(term: Terminal, value: unknown, { indented }: { indented: boolean }): Promise<void> {
  if (term.json) return writeOut(`${indented ? JSON.stringify(value, null, 2) : JSON.stringify(value)}\n`);
  return writeOut(`${prettyJson(value, term.color)}\n`);
}

/** Rows as aligned columns (a header row first when given). */
export function table(rows: string[][], header?: string[], color = false): string {
  const all = header ? [header, ...rows] : rows;
  const widths: number[] = [];
  for (const row of all) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  const line = (row: string[]) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  const out = all.map(line);
  if (header) out[0] = paint(out[0]!, 'bold', color);
  return `${out.join('\n')}\n`;
}

/** A progress line on stderr, rewritten in place; nothing at all when stderr is not a terminal. */
export class Progress {
  private shown = false;

  constructor(
    private readonly term: Terminal,
    private readonly label: string,
  ) {}

  update(text: string): void {
    if (!this.term.progress) return;
    process.stderr.write(`\r\x1b[2K${this.label}: ${text}`);
    this.shown = true;
  }

  /** The final line, kept on screen. */
  finish(text: string): void {
    if (!this.term.progress) return;
    process.stderr.write(`\r\x1b[2K${this.label}: ${text}\n`);
    this.shown = false;
  }

  /** Clears an unfinished line (before an error is printed). */
  clear(): void {
    if (this.shown) process.stderr.write('\r\x1b[2K');
    this.shown = false;
  }
}

const count = (n: number, noun: string) => `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;

/** Progress of a `return_all` walk: pages and items as they come, then a line saying whether max_items cut it. */
export function walkProgress(term: Terminal, label: string) {
  const progress = new Progress(term, label);
  return {
    progress,
    onPage: ({ pages, items, done, capped }: { pages: number; items: number; done: boolean; capped: boolean }) => {
      if (!done) return progress.update(`${count(pages, 'page')}, ${count(items, 'item')}...`);
      progress.finish(
        capped
          ? `${count(items, 'item')} in ${count(pages, 'page')}; cut at max_items (${items.toLocaleString('en-US')}): more remain (has_more is true; raise max_items, up to 10,000, or page on with starting_after)`
          : `${count(items, 'item')} in ${count(pages, 'page')}, all of them`,
      );
    },
  };
}

/** The error body scripts read: Stripe's fields, or ours for a failure of the CLI itself. */
export function errorBody(error: unknown): Record<string, unknown> {
  return error instanceof StripeError
    ? (error.toJSON() as unknown as Record<string, unknown>)
    : { name: 'Error', type: 'cli_error', message: maskSecrets(error instanceof Error ? error.message : String(error)) };
}

/** At most this many valid names are listed at a terminal; JSON always carries them all. */
const LISTED_AT_TERMINAL = 40;

function problemLines(problem: FieldProblem, color: boolean): string[] {
  const lines = [`  ${paint(problem.field, 'bold', color)}: ${problem.message}`];
  if (problem.valid && problem.valid.length > 0) {
    lines.push(
      problem.valid.length <= LISTED_AT_TERMINAL
        ? `    valid: ${problem.valid.join(', ')}`
        : `    ${problem.valid.length} valid names`,
    );
  }
  return lines;
}

/** An error as a person reads it: the message, Stripe's details, each bad field with what would be valid. */
export function readableError(error: unknown, color: boolean): string {
  const body = errorBody(error);
  const lines = [`${paint('error', 'red', color)}: ${String(body.message)}`];
  if (error instanceof StripeInputValidationError) {
    // The message repeats the fields; show the context once and each field on its own line.
    lines[0] = `${paint('error', 'red', color)}: ${error.context}`;
    for (const problem of error.fields) lines.push(...problemLines(problem, color));
  } else {
    const details = (['name', 'type', 'code', 'decline_code', 'param', 'status', 'request_id', 'charge', 'payment_intent', 'doc_url'] as const)
      .filter((key) => body[key] !== undefined && !(key === 'type' && body.type === 'cli_error') && !(key === 'name' && body.name === 'Error'))
      .map((key) => `  ${paint(key, 'gray', color)}: ${String(body[key])}`);
    lines.push(...details);
  }
  return `${lines.join('\n')}\n`;
}

/** Reports a failure on stderr; resolves to the exit code (2: invalid input, nothing sent; 1: anything else). */
export function reportError(term: Terminal, error: unknown): number {
  process.stderr.write(term.jsonErrors ? `${JSON.stringify({ error: errorBody(error) })}\n` : readableError(error, term.colorErrors));
  return error instanceof StripeInputValidationError ? 2 : 1;
}
