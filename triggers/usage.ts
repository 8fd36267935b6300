/** The trigger commands' part of the CLI usage (kept apart so `run` does not load BullMQ). */
import { DEFAULT_PREFIX } from './keys';

/** The CLI commands that need BullMQ and Redis (cli.ts loads them only for these). */
export const TRIGGER_COMMANDS: ReadonlySet<string> = new Set(['triggers', 'subscribe', 'unsubscribe', 'subscriptions', 'poll', 'worker']);

export const TRIGGER_USAGE = `  triggers                                 list trigger keys and titles
  subscribe <trigger> --id <id> [--every 10m] [--filter k=v]... [--backfill N] [--lookback S]
                                           create or update a subscription (connection from env)
  unsubscribe <id>                         remove a subscription, its schedule, and its stored
                                           credentials once no subscription uses them
  subscriptions                            one JSON line per subscription (status, last poll, cursor,
                                           events emitted, last error)
  poll <id>                                one poll now, no worker: each event one JSON line on stdout
  worker [--concurrency N] [--webhook URL] run scheduled polls; events as JSON lines on stdout, or
                                           POSTed to URL (retried with backoff)

Triggers use Redis: REDIS_URL (default redis://127.0.0.1:6379), REDIS_PREFIX (default
${DEFAULT_PREFIX}). Credentials are stored encrypted: CONNECTOR_ENCRYPTION_KEY (make one with
\`openssl rand -hex 32\`) must be set for subscribe, poll and worker.`;
