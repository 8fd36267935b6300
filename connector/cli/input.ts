/** What the CLI reads besides its arguments (env, --input, stdin), and its error for a bad command line (exit code 2). */
import { readFile } from 'node:fs/promises';
import { StripeClient } from '../../client/client';
import type { ConnectionConfig } from '../../client/connection';
import { StripeInputValidationError, type FieldProblem } from '../../client/errors';
import { createLogger } from '../../client/logger';

export function inputError(field: string, message: string, extra: Pick<FieldProblem, 'did_you_mean' | 'valid'> = {}): StripeInputValidationError {
  return new StripeInputValidationError('Invalid command line', [{ field, message, ...extra }]);
}

/** The connection fields from STRIPE_SECRET_KEY, STRIPE_ACCOUNT and STRIPE_API_VERSION. */
export function connectionFromEnv(purpose = 'a Stripe secret key (sk_test_...) or restricted key (rk_...)'): ConnectionConfig {
  const secretKey = process.env.STRIPE_SECRET_KEY;
  if (!secretKey) throw inputError('STRIPE_SECRET_KEY', `set it to ${purpose}`);
  return {
    secret_key: secretKey,
    stripe_account: process.env.STRIPE_ACCOUNT || undefined,
    api_version: process.env.STRIPE_API_VERSION || undefined,
  };
}

/** The connection from the environment (STRIPE_API_BASE is read by the client). */
export function clientFromEnv(): StripeClient {
  // Unless asked for, no log lines: stderr is then exactly one {"error": ...} document on failure.
  return new StripeClient(connectionFromEnv(), { logger: createLogger({ level: process.env.LOG_LEVEL || 'silent' }) });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The JSON input of `run`: --input JSON, --input-file FILE, either as `-` for stdin; `{}` when neither. */
export async function readJsonInput(values: { input?: string; inputFile?: string }): Promise<unknown> {
  const { input, inputFile } = values;
  if (input !== undefined && inputFile !== undefined) throw inputError('input', 'give --input or --input-file, not both');
  let text = input ?? '{}';
  let field = 'input';
  if (input === '-') text = await readStdin();
  if (inputFile !== undefined) {
    field = 'input-file';
    try {
      text = inputFile === '-' ? await readStdin() : await readFile(inputFile, 'utf8');
    } catch (error) {
      throw inputError('input-file', `cannot read ${inputFile} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw inputError(field, `not valid JSON (${(error as Error).message})`);
  }
}
