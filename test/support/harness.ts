import { StripeClient, type StripeClientOptions } from '../../connector/client';
import type { ConnectionConfig } from '../../connector/connection';
import { StripeError } from '../../connector/errors';
import { createLogger, type Logger } from '../../connector/logger';
import { startEmulator } from '../../emulator';
import type { Emulator, EmulatorOptions } from '../../emulator/types';

export type { Emulator };

import { TEST_KEY } from './keys';

export { TEST_KEY };

/** Backoff short enough for tests that are not about backoff (those use the defaults). */
export const FAST_RETRIES: Partial<StripeClientOptions> = { initialRetryDelayMs: 5, maxRetryDelayMs: 20 };

export function startTestEmulator(options?: EmulatorOptions): Promise<Emulator> {
  return startEmulator(options);
}

export function clientFor(
  emulator: Emulator,
  options: StripeClientOptions & { connection?: Partial<ConnectionConfig> } = {},
): StripeClient {
  const { connection, ...clientOptions } = options;
  return new StripeClient({ secret_key: TEST_KEY, ...connection }, { apiBase: emulator.url, ...FAST_RETRIES, ...clientOptions });
}

/** A real pino logger (the connector's own configuration) whose lines are kept for assertions. */
export function captureLogs(level = 'info'): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger({ level, destination: { write: (line: string) => void lines.push(line) } });
  return { logger, lines };
}

/** The StripeError a promise rejects with; fails the test if it resolves or throws something else. */
export async function caught(promise: Promise<unknown>): Promise<StripeError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof StripeError) return error;
    throw error;
  }
  throw new Error('expected the request to fail');
}
