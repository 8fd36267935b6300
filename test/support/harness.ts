import { StripeClient, type StripeClientOptions } from '../../client/client';
import type { ConnectionConfig } from '../../client/connection';
import { StripeError } from '../../client/errors';
import { createLogger, type Logger } from '../../client/logger';
import { getAction, runAction } from '../../connector/registry';
import { expectMatchesOutput } from './outputs';
import { closeTransport } from '../../client/transport';
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

/** What a test file talks to: its emulator, a client on it, and any action run through that client. */
export interface EmulatorEnv {
  emulator: Emulator;
  client: StripeClient;
  run(key: string, input: unknown): Promise<any>;
}

/**
 * One emulator for the whole file, wiped before each test, and the shared transport closed after
 * the last so jest can exit. Read the fields inside tests: they exist only once beforeAll has run.
 */
export function useEmulator(options?: EmulatorOptions): EmulatorEnv {
  let started: { emulator: Emulator; client: StripeClient } | undefined;
  const current = () => {
    if (!started) throw new Error('useEmulator: the emulator is only there inside tests and hooks');
    return started;
  };
  beforeAll(async () => {
    const emulator = await startTestEmulator(options);
    started = { emulator, client: clientFor(emulator) };
  });
  afterAll(async () => {
    await closeTransport();
    await current().emulator.close();
  });
  beforeEach(() => current().emulator.reset());
  return {
    get emulator() {
      return current().emulator;
    },
    get client() {
      return current().client;
    },
    // Every result, in every state a test drives an object into, must match the action's output schema.
    run: async (key, input) => {
      const result = await runAction(key, input, { client: current().client });
      expectMatchesOutput(getAction(key).output, result, `${key}'s result`);
      return result;
    },
  };
}

/** Events as GET /v1/events lists them, oldest first. */
export async function listedEvents(client: StripeClient): Promise<{ type: string; data: { object: any } }[]> {
  const page = await client.list('/v1/events', { limit: 100 });
  return (page.data as unknown as { type: string; data: { object: any } }[]).reverse();
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
