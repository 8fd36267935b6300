import type { DestinationStream, Logger as PinoLogger } from 'pino';
import { maskSecrets } from './secrets';

/**
 * What the connector logs through: the part of pino's interface it calls. A host's pino logger fits,
 * and so does anything with the same three methods.
 */
export interface Logger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

/**
 * Every path under which a key or an Authorization header could reach a log line. The client never
 * logs either; this list is the second line of defence for hosts that log our objects themselves.
 * (pino's `*` matches one level only, so the paths are spelled out.)
 */
export const REDACT_PATHS = [
  'secret_key',
  'secretKey',
  'apiKey',
  'api_key',
  'authorization',
  'Authorization',
  'headers.authorization',
  'headers.Authorization',
  'connection.secret_key',
  'config.secret_key',
  'req.headers.authorization',
  'request.headers.authorization',
  'request.headers.Authorization',
  'err.config.headers.Authorization',
  'err.config.headers.authorization',
];

export interface LoggerOptions {
  /** pino level; default `LOG_LEVEL` from the environment, else 'info'. */
  level?: string;
  /** Where lines go; default stderr, so a CLI's stdout stays pure JSON. */
  destination?: DestinationStream;
}

/**
 * A pino logger with the key paths redacted, and every finished line masked (secrets.ts) before it
 * is written: a key or Basic credential under a path no list can foresee (an echoed header inside
 * an error's body) never reaches the destination. pino is loaded here, on first use, not at import.
 */
export function createLogger(options: LoggerOptions = {}): PinoLogger {
  const pino = require('pino') as typeof import('pino');
  const destination = options.destination ?? pino.destination(2);
  const masked: DestinationStream & { flush?: () => void } = {
    write: (line: string) => destination.write(maskSecrets(line)),
  };
  const flushable = destination as { flush?: () => void };
  if (typeof flushable.flush === 'function') masked.flush = () => flushable.flush!();
  return pino(
    {
      name: 'stripe-connector',
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    masked,
  );
}

/** The default for library use: hosts pass their own logger to see request lines. */
export const silentLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  child: () => silentLogger,
};
