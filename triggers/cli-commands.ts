/**
 * The CLI's trigger commands: subscribe, unsubscribe, subscriptions, poll, worker. stdout carries only
 * results (JSON), stderr only the {"error": ...} document of a failure (and pino lines when LOG_LEVEL
 * asks). Redis from REDIS_URL (default redis://127.0.0.1:6379), key prefix from REDIS_PREFIX.
 */
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { inputError } from '../connector/cli-input';
import { StripeInputValidationError } from '../connector/errors';
import { createLogger } from '../connector/logger';
import { Connection } from '../connector/connection';
import { ENCRYPTION_KEY_ENV, EncryptedCredentialStore, deleteUnusedCredentials, EncryptionKeyError, parseEncryptionKey } from './credentials';
import { commonOptionShape, getTrigger, hasTrigger, TRIGGERS } from './definitions';
import { DEFAULT_PREFIX, TriggerKeys } from './keys';
import { TriggerService } from './service';
import type { TriggerEvent } from './sink';
import { createTriggerWorker, type EventDelivery } from './worker';

export { TRIGGER_USAGE } from './usage';


/** Options every trigger has (each with its own flag), as opposed to a trigger's filters. */
const COMMON_OPTIONS = new Set(Object.keys(commonOptionShape));

function integer(value: string | undefined, field: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw inputError(field, `expected a whole number from ${min} to ${max}`);
  return Number(value);
}

/** `--filter k=v` pairs as trigger options: `types` may repeat or hold commas; true/false are booleans. */
function parseFilters(pairs: string[], triggerKey: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
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
  const shape = getTrigger(triggerKey).options.shape as Record<string, unknown>;
  for (const key of Object.keys(out)) {
    if (!(key in shape)) throw inputError('filter', `${triggerKey} has no filter ${JSON.stringify(key)}`);
  }
  return out;
}

/** The connection refs the remaining subscriptions use. */
async function referencedRefs(service: TriggerService): Promise<string[]> {
  return (await service.list()).map((s) => s.connection_ref);
}

async function withRedis<T>(fn: (redis: Redis, keys: TriggerKeys) => Promise<T>): Promise<T> {
  const redis = new Redis(process.env.REDIS_URL || 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 2, lazyConnect: true });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return await fn(redis, new TriggerKeys(process.env.REDIS_PREFIX || DEFAULT_PREFIX));
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
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

function credentialStore(redis: Redis, keys: TriggerKeys): EncryptedCredentialStore {
  return new EncryptedCredentialStore(redis, keys, encryptionKey());
}

function writeLine(value: unknown): Promise<void> {
  return new Promise((resolve) => {
    if (!process.stdout.write(`${JSON.stringify(value)}\n`)) process.stdout.once('drain', resolve);
    else resolve();
  });
}

/** POSTs one event as JSON; a non-2xx answer or network failure throws (the event job retries). */
async function postEvent(url: string, event: TriggerEvent, delivery: EventDelivery): Promise<void> {
  const attempts = 3;
  for (let attempt = 1; ; attempt++) {
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
      if (attempt >= attempts || (res.status < 500 && res.status !== 429 && res.status !== 408)) throw new Error(`webhook answered HTTP ${res.status}`);
    } catch (error) {
      if (attempt >= attempts) throw error;
    }
    await sleep(500 * 2 ** (attempt - 1));
  }
}

/** Runs a trigger command; resolves to the exit code. */
export async function runTriggerCommand(command: string, rest: string[]): Promise<number> {
  switch (command) {
    case 'triggers': {
      parseArgs({ args: rest, options: {} });
      for (const t of TRIGGERS) process.stdout.write(`${t.key}\t${t.title}\n`);
      return 0;
    }
    case 'subscribe': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          id: { type: 'string' },
          every: { type: 'string' },
          filter: { type: 'string', multiple: true },
          backfill: { type: 'string' },
          lookback: { type: 'string' },
          'max-pages': { type: 'string' },
        },
      });
      const trigger = positionals[0];
      if (!trigger || positionals.length > 1) throw inputError('trigger', 'give exactly one trigger: stripe-connector subscribe <trigger> --id <id>');
      if (!hasTrigger(trigger)) throw inputError('trigger', `unknown trigger ${JSON.stringify(trigger)}; see stripe-connector triggers`);
      if (!values.id) throw inputError('id', 'give the subscription id: --id <id>');
      const options: Record<string, unknown> = parseFilters(values.filter ?? [], trigger);
      if (values.every !== undefined) options.every = values.every;
      const backfill = integer(values.backfill, 'backfill', 0, 100);
      if (backfill !== undefined) options.backfill = backfill;
      const lookback = integer(values.lookback, 'lookback', 0, 86_400);
      if (lookback !== undefined) options.lookback_seconds = lookback;
      const maxPages = integer(values['max-pages'], 'max-pages', 1, 1000);
      if (maxPages !== undefined) options.max_pages = maxPages;
      const parsed = getTrigger(trigger).options.safeParse(options);
      if (!parsed.success) {
        throw new StripeInputValidationError(
          'Invalid trigger options',
          parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'options', message: i.message })),
        );
      }
      const secretKey = process.env.STRIPE_SECRET_KEY;
      if (!secretKey) throw inputError('STRIPE_SECRET_KEY', 'set it to the Stripe key the subscription polls with');
      const config = {
        secret_key: secretKey,
        stripe_account: process.env.STRIPE_ACCOUNT || undefined,
        api_version: process.env.STRIPE_API_VERSION || undefined,
      };
      new Connection(config); // checks the key's shape before anything is stored
      encryptionKey();
      return withRedis(async (redis, keys) => {
        const creds = credentialStore(redis, keys);
        const ref = await creds.save(config);
        const service = new TriggerService({ redis, prefix: keys.prefix });
        try {
          const previousRef = (await service.status(values.id!))?.connection_ref;
          const record = await service.subscribe({ id: values.id!, trigger, options, connection_ref: ref });
          // Saved again after the subscription refers to it: undoes a concurrent prune's delete (deleteIfUnused).
          await creds.save(config);
          // A re-subscribe with another key (rotation) leaves the old record unused: delete it.
          if (previousRef !== undefined && previousRef !== ref) await creds.deleteIfUnused(previousRef, () => referencedRefs(service));
          await writeLine(record);
        } finally {
          await service.close();
        }
        return 0;
      });
    }
    case 'unsubscribe': {
      const { positionals } = parseArgs({ args: rest, allowPositionals: true, options: {} });
      if (positionals.length !== 1) throw inputError('id', 'give exactly one subscription id');
      return withRedis(async (redis, keys) => {
        const service = new TriggerService({ redis, prefix: keys.prefix });
        try {
          const ref = (await service.status(positionals[0]!))?.connection_ref;
          const removed = await service.unsubscribe(positionals[0]!);
          // The sealed key goes too once no subscription uses it (no CONNECTOR_ENCRYPTION_KEY needed to delete).
          if (ref) await deleteUnusedCredentials(redis, keys, ref, () => referencedRefs(service));
          await writeLine({ id: positionals[0], unsubscribed: removed });
          return removed ? 0 : 1;
        } finally {
          await service.close();
        }
      });
    }
    case 'subscriptions': {
      parseArgs({ args: rest, options: {} });
      return withRedis(async (redis, keys) => {
        const service = new TriggerService({ redis, prefix: keys.prefix });
        try {
          for (const info of await service.list()) {
            await writeLine({
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
            });
          }
          return 0;
        } finally {
          await service.close();
        }
      });
    }
    case 'poll': {
      const { positionals } = parseArgs({ args: rest, allowPositionals: true, options: {} });
      if (positionals.length !== 1) throw inputError('id', 'give exactly one subscription id');
      encryptionKey();
      return withRedis(async (redis, keys) => {
        const service = new TriggerService({
          redis,
          prefix: keys.prefix,
          resolveCredentials: credentialStore(redis, keys).resolver(),
          logger: createLogger({ level: process.env.LOG_LEVEL || 'silent' }),
        });
        try {
          // Printed before they are recorded: a crash in between prints them again next time, never loses them.
          const { outcome } = await service.pollNow(positionals[0]!, {
            deliver: 'return',
            onEvents: async (events) => {
              for (const event of events) await writeLine(event);
            },
          });
          if (outcome.status === 'unsubscribed') throw inputError('id', `no subscription ${JSON.stringify(positionals[0])}`);
          if (outcome.status === 'locked') throw new Error('another poll of this subscription is running; try again');
          if (outcome.status === 'failing') {
            process.stderr.write(`${JSON.stringify({ error: outcome.error })}\n`);
            return 1;
          }
          return 0;
        } finally {
          await service.close();
        }
      });
    }
    case 'worker': {
      const { values } = parseArgs({
        args: rest,
        options: {
          concurrency: { type: 'string' },
          webhook: { type: 'string' },
          'lock-ttl-ms': { type: 'string' },
          'job-lock-ms': { type: 'string' },
          'shutdown-ms': { type: 'string' },
        },
      });
      const concurrency = integer(values.concurrency, 'concurrency', 1, 1000) ?? 10;
      const webhook = values.webhook;
      if (webhook !== undefined) {
        let url: URL;
        try {
          url = new URL(webhook);
        } catch {
          throw inputError('webhook', 'not a URL');
        }
        if (url.protocol !== 'https:' && url.protocol !== 'http:') throw inputError('webhook', 'expected an http(s) URL');
      }
      encryptionKey();
      const logger = createLogger({ level: process.env.LOG_LEVEL || 'silent' });
      const url = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
      const keys = new TriggerKeys(process.env.REDIS_PREFIX || DEFAULT_PREFIX);
      const credRedis = new Redis(url, { maxRetriesPerRequest: null });
      credRedis.on('error', () => undefined);
      let store: EncryptedCredentialStore;
      try {
        store = credentialStore(credRedis, keys);
      } catch (error) {
        credRedis.disconnect();
        throw error;
      }
      const worker = createTriggerWorker({
        connection: url,
        prefix: keys.prefix,
        resolveCredentials: store.resolver(),
        concurrency,
        lockTtlMs: integer(values['lock-ttl-ms'], 'lock-ttl-ms', 100, 3_600_000),
        jobLockMs: integer(values['job-lock-ms'], 'job-lock-ms', 1000, 3_600_000),
        logger,
        onEvent: webhook ? (event, delivery) => postEvent(webhook, event, delivery) : (event) => writeLine(event),
      });
      const deadline = integer(values['shutdown-ms'], 'shutdown-ms', 0, 3_600_000) ?? 25_000;
      await new Promise<void>((resolve) => worker.closeOnSignals(deadline, resolve));
      await credRedis.quit().catch(() => credRedis.disconnect());
      return 0;
    }
    default:
      throw inputError('command', `unknown command ${JSON.stringify(command)}`);
  }
}
