/**
 * The CLI's trigger commands: triggers, subscribe, unsubscribe, subscriptions, poll, worker. Piped,
 * stdout carries only results (JSON lines) and stderr only the {"error": ...} document of a failure
 * (and pino lines when LOG_LEVEL asks); at a terminal, tables and colored JSON. Redis from REDIS_URL
 * (default redis://127.0.0.1:6379; a Redis Cluster's seed nodes with REDIS_CLUSTER=1), key prefix from
 * REDIS_PREFIX, shard count from REDIS_SHARDS (default 1).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '../../client/connection';
import { StripeInputValidationError } from '../../client/errors';
import { createLogger } from '../../client/logger';
import { zodProblems } from '../../client/validation';
import { getTrigger, hasTrigger, listTriggers } from '../../triggers/catalogue';
import { ENCRYPTION_KEY_ENV, EncryptedCredentialStore, deleteUnusedCredentials, EncryptionKeyError, parseEncryptionKey } from '../../triggers/credentials';
import { RUN_OPTION_NAMES } from '../../triggers/defaults';
import { DEFAULT_PREFIX, TriggerKeys } from '../../triggers/keys';
import { RedisEnvError, openRedis, redisSpecFromEnv, type RedisClient } from '../../triggers/redis';
import { TriggerService, type SubscriptionInfo, type TriggerServiceOptions } from '../../triggers/service';
import { MAX_SHARDS, ShardCountMismatchError } from '../../triggers/shards';
import type { TriggerEvent } from '../../triggers/sink';
import { createTriggerWorker, type EventDelivery } from '../../triggers/worker';
import { manifestTrigger } from '../manifest';
import { suggest } from '../suggest';
import type { CommandHandler } from './commands';
import { fieldRows, renderFields, wrap } from './fields';
import { connectionFromEnv, inputError } from './input';
import { Progress, paint, printResult, table, type Terminal } from './terminal';

/** Options every trigger has (each with its own flag), as opposed to a trigger's filters. */
const COMMON_OPTIONS: ReadonlySet<string> = new Set(RUN_OPTION_NAMES);

function integer(value: string | undefined, field: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw inputError(field, `expected a whole number from ${min} to ${max}`);
  return Number(value);
}

/** `--filter k=v` pairs as trigger options: `types` may repeat or hold commas; true/false are booleans. */
function parseFilters(pairs: string[], triggerKey: string): Record<string, unknown> {
  // No prototype: a filter named __proto__ or constructor is a key like any other, refused below.
  const out: Record<string, unknown> = Object.create(null);
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw inputError('filter', `expected k=v, got ${JSON.stringify(pair)}`);
    const key = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (COMMON_OPTIONS.has(key)) throw inputError('filter', `${key} has its own option`);
    if (key === 'types') out.types = [...((out.types as string[] | undefined) ?? []), ...value.split(',').filter(Boolean)];
    else if (value === 'true' || value === 'false') out[key] = value === 'true';
    else out[key] = value;
  }
  const filters = Object.keys(getTrigger(triggerKey).options.shape).filter((name) => !COMMON_OPTIONS.has(name));
  for (const key of Object.keys(out)) {
    if (!filters.includes(key)) {
      const close = suggest(key, filters);
      const known = filters.length ? `; its filters: ${filters.join(', ')}` : '; it takes no filters';
      throw inputError('filter', `${triggerKey} has no filter ${JSON.stringify(key)}${close.length ? ` (did you mean ${close.join(' or ')}?)` : ''}${known}`, {
        did_you_mean: close,
        valid: filters,
      });
    }
  }
  return out;
}

/** The connection refs the remaining subscriptions use. */
async function referencedRefs(service: TriggerService): Promise<string[]> {
  return (await service.list()).map((s) => s.connection_ref);
}

/** The key layout from REDIS_PREFIX and REDIS_SHARDS. */
function keysFromEnv(): TriggerKeys {
  const shards = integer(process.env.REDIS_SHARDS || undefined, 'REDIS_SHARDS', 1, MAX_SHARDS) ?? 1;
  return new TriggerKeys(process.env.REDIS_PREFIX || DEFAULT_PREFIX, shards);
}

/** Where Redis is (REDIS_URL, REDIS_CLUSTER), checked before anything connects. */
function redisSpec(): ReturnType<typeof redisSpecFromEnv> {
  try {
    return redisSpecFromEnv();
  } catch (error) {
    if (error instanceof RedisEnvError) throw inputError(error.field, error.detail);
    throw error;
  }
}

/** Another shard count than the Redis holds is a configuration error (exit code 2), named REDIS_SHARDS. */
function shardConfigError(error: unknown): unknown {
  return error instanceof ShardCountMismatchError ? inputError('REDIS_SHARDS', error.message) : error;
}

export async function withRedis<T>(fn: (redis: RedisClient, keys: TriggerKeys) => Promise<T>): Promise<T> {
  const keys = keysFromEnv();
  // One command's connection: a few tries, then the error (a cluster also gives up finding its nodes).
  const redis = openRedis(redisSpec(), { maxRetriesPerRequest: 2, lazyConnect: true }, { lazyConnect: true, clusterRetryStrategy: (times) => (times > 2 ? null : 100 * times) });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return await fn(redis, keys);
  } catch (error) {
    throw shardConfigError(error);
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}

/** The service over this Redis, with the layout from the environment. */
export function serviceFor(redis: RedisClient, keys: TriggerKeys, extra: Partial<TriggerServiceOptions> = {}): TriggerService {
  return new TriggerService({ redis, prefix: keys.prefix, shards: keys.shardCount, ...extra });
}

/** The encryption key, checked before anything touches Redis. */
function encryptionKey(): Buffer {
  try {
    return parseEncryptionKey(process.env[ENCRYPTION_KEY_ENV]);
  } catch (error) {
    if (error instanceof EncryptionKeyError) throw inputError(ENCRYPTION_KEY_ENV, error.message);
    throw error;
  }
}

function credentialStore(redis: RedisClient, keys: TriggerKeys): EncryptedCredentialStore {
  return new EncryptedCredentialStore(redis, keys, encryptionKey());
}

/** One record: a JSON line when piped (scripts read these), colored JSON at a terminal. */
export function writeRecord(term: Terminal, value: unknown): Promise<void> {
  return printResult(term, value, { indented: false });
}

/**
 * The webhook as errors may name it: origin and path, never a query string (tokens often ride there)
 * and never user info (refused at start anyway). BullMQ stores the error in Redis as failedReason.
 */
function webhookLabel(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

/** Why a webhook request failed, without the raw error text (undici's can quote the whole URL). */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  if ((error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError') return 'timed out';
  return 'network error';
}

/** POSTs one event as JSON; a non-2xx answer or network failure throws (the event job retries). */
async function postEvent(url: URL, event: TriggerEvent, delivery: EventDelivery): Promise<void> {
  const attempts = 3;
  for (let attempt = 1; ; attempt++) {
    let failure: Error;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': delivery.id },
        body: JSON.stringify(event),
        redirect: 'manual',
        signal: AbortSignal.timeout(30_000),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (res.status >= 200 && res.status < 300) return;
      failure = new Error(`webhook ${webhookLabel(url)} answered HTTP ${res.status}`);
      if (res.status < 500 && res.status !== 429 && res.status !== 408) throw failure;
    } catch (error) {
      if (error === failure!) throw error;
      failure = new Error(`webhook ${webhookLabel(url)} unreachable: ${networkReason(error)}`);
    }
    if (attempt >= attempts) throw failure;
    await sleep(500 * 2 ** (attempt - 1));
  }
}

function knownTrigger(key: string): string {
  if (hasTrigger(key)) return key;
  const keys = listTriggers().map((t) => t.key);
  const close = suggest(key, keys);
  throw inputError('trigger', `unknown trigger ${JSON.stringify(key)}${close.length ? `; did you mean ${close.join(' or ')}?` : ''}`, {
    did_you_mean: close,
    valid: keys,
  });
}

/** `subscribe <trigger> --help`: what the trigger watches and its options, from its manifest entry. */
export async function describeTrigger(key: string): Promise<string> {
  const entry = manifestTrigger(getTrigger(knownTrigger(key)));
  const rows = fieldRows(entry.options);
  const filters = rows.filter((row) => !COMMON_OPTIONS.has(row.name));
  const common = rows.filter((row) => COMMON_OPTIONS.has(row.name));
  const lines = [
    `${entry.key}: ${entry.title} (polls GET ${entry.path}${entry.event_types ? ` for ${entry.event_types.join(', ')}` : ''})`,
    '',
    ...wrap(entry.description, 100),
    '',
    `Usage: stripe-connector subscribe ${entry.key} --id <id> [--every 10m]${filters.length ? ' [--filter k=v]...' : ''} [--backfill N] [--lookback S] [--max-pages N]${entry.instant_events ? ' [--delivery webhook+poll]' : ''}`,
    '',
    filters.length ? `Filters (--filter k=v):\n${renderFields(filters)}` : 'Filters: none',
    '',
    `Options every trigger has (--every, --backfill, --lookback, --max-pages${entry.instant_events ? ', and here --delivery' : ''}):\n${renderFields(common)}`,
  ];
  return `${lines.join('\n')}\n`;
}

export const triggersCommand: CommandHandler = async (_parsed, { term }) => {
  const triggers = listTriggers();
  if (term.json) {
    for (const t of triggers) process.stdout.write(`${t.key}\t${t.title}\n`);
    return 0;
  }
  process.stdout.write(table(triggers.map((t) => [t.key, t.title, `GET ${t.path}${t.eventTypes ? ` (${t.eventTypes.join(', ')})` : ''}`]), ['TRIGGER', 'TITLE', 'POLLS'], term.color));
  process.stdout.write(paint('`stripe-connector subscribe <trigger> --help` lists a trigger\'s filters\n', 'gray', term.color));
  return 0;
};

export const subscribeCommand: CommandHandler = async ({ values, positionals }, { term }) => {
  const trigger = knownTrigger(positionals[0]!);
  const id = values.id as string | undefined;
  if (!id) throw inputError('id', 'give the subscription id: --id <id>');
  const options: Record<string, unknown> = parseFilters((values.filter as string[] | undefined) ?? [], trigger);
  if (values.every !== undefined) options.every = values.every;
  const backfill = integer(values.backfill as string | undefined, 'backfill', 0, 100);
  if (backfill !== undefined) options.backfill = backfill;
  const lookback = integer(values.lookback as string | undefined, 'lookback', 0, 86_400);
  if (lookback !== undefined) options.lookback_seconds = lookback;
  const maxPages = integer(values['max-pages'] as string | undefined, 'max-pages', 1, 1000);
  if (maxPages !== undefined) options.max_pages = maxPages;
  if (values.delivery !== undefined) options.delivery = values.delivery;
  const parsed = getTrigger(trigger).options.safeParse(options);
  if (!parsed.success) throw new StripeInputValidationError('Invalid trigger options', zodProblems(parsed.error));
  const config = connectionFromEnv('the Stripe key the subscription polls with');
  new Connection(config); // checks the key's shape before anything is stored
  encryptionKey();
  return withRedis(async (redis, keys) => {
    const creds = credentialStore(redis, keys);
    const ref = await creds.save(config);
    // The resolver names the account of a webhook+poll subscription (its endpoint is per account).
    const service = serviceFor(redis, keys, { resolveCredentials: creds.resolver() });
    try {
      const previousRef = (await service.status(id))?.connection_ref;
      const record = await service.subscribe({ id, trigger, options, connection_ref: ref });
      // Saved again after the subscription refers to it: undoes a concurrent prune's delete (deleteIfUnused).
      await creds.save(config);
      // A re-subscribe with another key (rotation) leaves the old record unused: delete it.
      if (previousRef !== undefined && previousRef !== ref) await creds.deleteIfUnused(previousRef, () => referencedRefs(service));
      await writeRecord(term, record);
    } finally {
      await service.close();
    }
    return 0;
  });
};

export const unsubscribeCommand: CommandHandler = async ({ positionals }, { term }) => {
  const id = positionals[0]!;
  return withRedis(async (redis, keys) => {
    const service = serviceFor(redis, keys);
    try {
      const ref = (await service.status(id))?.connection_ref;
      const removed = await service.unsubscribe(id);
      // The sealed key goes too once no subscription uses it (no CONNECTOR_ENCRYPTION_KEY needed to delete).
      if (ref) await deleteUnusedCredentials(redis, keys, ref, () => referencedRefs(service));
      await writeRecord(term, { id, unsubscribed: removed });
      return removed ? 0 : 1;
    } finally {
      await service.close();
    }
  });
};

function subscriptionLine(info: SubscriptionInfo) {
  return {
    id: info.id,
    trigger: info.trigger,
    options: info.options,
    every_ms: info.every_ms,
    status: info.state.status,
    last_poll_at: info.state.last_poll_at,
    last_success_at: info.state.last_success_at,
    cursor: { id: info.state.cursor_id, created: info.state.watermark },
    events_emitted: info.state.events_emitted,
    last_error: info.state.last_error,
    retry_at: info.state.retry_at === null ? null : new Date(info.state.retry_at).toISOString(),
  };
}

export const subscriptionsCommand: CommandHandler = async (_parsed, { term }) =>
  withRedis(async (redis, keys) => {
    const service = serviceFor(redis, keys);
    try {
      const lines = (await service.list()).map(subscriptionLine);
      if (term.json) {
        for (const line of lines) await writeRecord(term, line);
        return 0;
      }
      if (lines.length === 0) {
        process.stdout.write('no subscriptions\n');
        return 0;
      }
      const color = (status: string) => paint(status, status === 'failing' ? 'red' : 'green', term.color);
      process.stdout.write(
        table(
          lines.map((l) => [
            l.id,
            l.trigger,
            color(String(l.status)),
            `${Math.round(l.every_ms / 60_000)}m`,
            String(l.last_poll_at ?? '-'),
            String(l.events_emitted),
            l.last_error === null || l.last_error === undefined ? '' : String(typeof l.last_error === 'object' ? ((l.last_error as { message?: string }).message ?? JSON.stringify(l.last_error)) : l.last_error),
          ]),
          ['ID', 'TRIGGER', 'STATUS', 'EVERY', 'LAST POLL', 'EVENTS', 'LAST ERROR'],
          term.color,
        ),
      );
      return 0;
    } finally {
      await service.close();
    }
  });

export const pollCommand: CommandHandler = async ({ positionals }, { term }) => {
  const id = positionals[0]!;
  encryptionKey();
  return withRedis(async (redis, keys) => {
    const service = serviceFor(redis, keys, {
      resolveCredentials: credentialStore(redis, keys).resolver(),
      logger: createLogger({ level: process.env.LOG_LEVEL || 'silent' }),
    });
    const progress = new Progress(term, `poll ${id}`);
    let pages = 0;
    let emitted = 0;
    const show = () => progress.update(`${pages} page${pages === 1 ? '' : 's'} read, ${emitted} event${emitted === 1 ? '' : 's'}...`);
    try {
      // Printed before they are recorded: a crash in between prints them again next time, never loses them.
      const { outcome } = await service.pollNow(id, {
        deliver: 'return',
        onPage: (n) => {
          pages = n;
          show();
        },
        onEvents: async (events) => {
          progress.clear();
          for (const event of events) await writeRecord(term, event);
          emitted += events.length;
          show();
        },
      });
      if (outcome.status === 'unsubscribed') throw inputError('id', `no subscription ${JSON.stringify(id)}`);
      if (outcome.status === 'locked') throw new Error('another poll of this subscription is running; try again');
      if (outcome.status === 'failing') {
        progress.clear();
        process.stderr.write(term.jsonErrors ? `${JSON.stringify({ error: outcome.error })}\n` : `${paint('error', 'red', term.colorErrors)}: ${JSON.stringify(outcome.error)}\n`);
        return 1;
      }
      if (outcome.status === 'polled') {
        const { result } = outcome;
        progress.finish(
          `${result.emitted} event${result.emitted === 1 ? '' : 's'} from ${result.pages} page${result.pages === 1 ? '' : 's'}` +
            (result.baseline ? ' (first poll: baseline recorded)' : '') +
            (result.complete ? '' : `; stopped at max_pages: the next poll continues`),
        );
      }
      return 0;
    } finally {
      progress.clear();
      await service.close();
    }
  });
};

/** The --webhook URL: http(s), and no user:password (fetch would send it, and errors quote it). */
function webhookUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw inputError('webhook', 'not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw inputError('webhook', 'expected an http(s) URL');
  if (url.username !== '' || url.password !== '') {
    throw inputError('webhook', 'credentials in the URL (user:password@) are refused: they would be sent to the webhook and stored in failed events');
  }
  return url;
}

export const workerCommand: CommandHandler = async ({ values }, { term }) => {
  const concurrency = integer(values.concurrency as string | undefined, 'concurrency', 1, 1000); // absent: the worker's default
  const webhook = values.webhook === undefined ? undefined : webhookUrl(String(values.webhook));
  encryptionKey();
  const logger = createLogger({ level: process.env.LOG_LEVEL || 'silent' });
  const connection = redisSpec();
  const keys = keysFromEnv();
  const serveShards = shardList(values['serve-shards'] as string | undefined, keys.shardCount);
  const credRedis = openRedis(connection, { maxRetriesPerRequest: null });
  credRedis.on('error', () => undefined);
  let store: EncryptedCredentialStore;
  try {
    store = credentialStore(credRedis, keys);
  } catch (error) {
    credRedis.disconnect();
    throw error;
  }
  const worker = createTriggerWorker({
    connection,
    prefix: keys.prefix,
    shards: keys.shardCount,
    serveShards,
    resolveCredentials: store.resolver(),
    concurrency,
    lockTtlMs: integer(values['lock-ttl-ms'] as string | undefined, 'lock-ttl-ms', 100, 3_600_000),
    jobLockMs: integer(values['job-lock-ms'] as string | undefined, 'job-lock-ms', 1000, 3_600_000),
    logger,
    onEvent: webhook ? (event, delivery) => postEvent(webhook, event, delivery) : (event) => writeRecord(term, event),
  });
  const deadline = integer(values['shutdown-ms'] as string | undefined, 'shutdown-ms', 0, 3_600_000) ?? 25_000;
  let removeHandlers: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => (removeHandlers = worker.closeOnSignals(deadline, resolve)));
  try {
    await worker.ready;
  } catch (error) {
    removeHandlers();
    await worker.close(0);
    await credRedis.quit().catch(() => credRedis.disconnect());
    throw shardConfigError(error);
  }
  await closed;
  await credRedis.quit().catch(() => credRedis.disconnect());
  return 0;
};

/** `--serve-shards 0,2`: shard numbers below the shard count. */
function shardList(value: string | undefined, count: number): number[] | undefined {
  if (value === undefined) return undefined;
  const shards = value.split(',').map((part) => part.trim());
  if (shards.some((part) => !/^\d+$/.test(part) || Number(part) >= count)) {
    throw inputError('serve-shards', `expected shard numbers from 0 to ${count - 1} separated by commas (REDIS_SHARDS is ${count}), got ${JSON.stringify(value)}`);
  }
  return shards.map(Number);
}
