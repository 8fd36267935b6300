/**
 * The built CLI as a user runs it (`npm test` builds first): piped, with stdout and stderr apart, or
 * at a terminal, on a pseudo-terminal made by util-linux `script`, where both go to the screen.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { TriggerEvent } from '../../triggers/sink';

export const CLI = join(__dirname, '..', '..', 'dist', 'connector', 'cli', 'main.js');

export interface Piped {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with stdout and stderr as pipes (what a script sees), `stdin` written to its stdin. */
export function piped(args: string[], env: Record<string, string>, stdin?: string): Promise<Piped> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : -1) : 0;
      if (code === -1) reject(error);
      else resolve({ code, stdout, stderr });
    });
    child.stdin!.end(stdin ?? '');
  });
}

const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;

/**
 * Runs the CLI at a terminal: everything it writes, as the screen got it (line ends made `\n`).
 * `typed` is what a person types at it, followed by Ctrl-D (end of input).
 */
export function atTerminal(args: string[], env: Record<string, string>, typed?: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-q', '-e', '-c', [process.execPath, CLI, ...args].map(quote).join(' '), '/dev/null'], {
      env: { PATH: process.env.PATH ?? '', TERM: 'xterm-256color', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdin.end(typed === undefined ? undefined : `${typed}\n\x04`);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, output: output.replace(/\r\n/g, '\n') }));
  });
}

/** The text without ANSI color and line-editing sequences. */
export function plain(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
}

/** A `stripe-connector worker` process printing each event as a JSON line on stdout (no --webhook). */
export interface CliWorker {
  proc: ChildProcess;
  /** Every event it printed, in order. */
  events: TriggerEvent[];
  stderr: () => string;
  exited: Promise<number | null>;
}

export function spawnCliWorker(args: string[], env: Record<string, string>): CliWorker {
  const proc = spawn(process.execPath, [CLI, 'worker', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const events: TriggerEvent[] = [];
  let buffer = '';
  let stderr = '';
  proc.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line.trim()) events.push(JSON.parse(line));
    }
  });
  proc.stderr!.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { proc, events, stderr: () => stderr, exited };
}
