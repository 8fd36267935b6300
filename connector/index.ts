/**
 * The host API. A flow builder reads `manifest.json` (or `buildManifest()`), makes one client per
 * connection, and calls `runAction(key, input, { client })`. Importing it loads no schema and none of
 * axios, undici, pino, zod, BullMQ, ioredis or the MCP SDK: each loads with its first use (the
 * actions of one group with the first action of that group, BullMQ with the first queue a TriggerService uses).
 */
import { StripeClient, type StripeClientOptions } from '../client/client';
import type { ConnectionConfig } from '../client/connection';

export { StripeClient, assertApiPath } from '../client/client';
export type { AttemptInfo, CollectedPage, StripeClientOptions, StripeList, StripeRequest, StripeResponse, StripeSearchResult, WalkOptions, WalkProgress } from '../client/client';
export { Connection, resolveApiBase, DEFAULT_API_BASE } from '../client/connection';
export type { ConnectionConfig, StripeMode } from '../client/connection';
export * from '../client/errors';
export { createLogger, REDACT_PATHS } from '../client/logger';
export type { Logger, LoggerOptions } from '../client/logger';
export { encodeStripeForm } from '../client/encoding';
export { closeTransport } from '../client/transport';
export { STRIPE_API_VERSION, CONNECTOR_VERSION } from '../client/version';
export type { ActionContext, ActionDefinition, Paging } from '../actions/define';
export type { ActionGroup, ActionSummary } from '../actions';
export { actionSummaries, getAction, hasAction, listActions, runAction } from './registry';
export type { ActionInput, ActionKey, ActionOutput } from './registry';
export { executeAction, parseActionInput, runParsed } from './runner';
export { actionSchemas, buildManifest, loadManifest, manifestAction, manifestTrigger, renderManifest, toJsonSchema } from './manifest';
export { standaloneSchema } from './json-schema';
export type { JsonSchema, SchemaDefs, StandaloneOptions } from './json-schema';
export type { Manifest, ManifestAction, ManifestTrigger } from './manifest';
export { TriggerService, createTriggerWorker, FailedEvents, listTriggers, getTrigger, pollOnce, StaticDataStore, EncryptedCredentialStore, DEFAULT_PREFIX as TRIGGER_REDIS_PREFIX, EVENT_QUEUE as TRIGGER_EVENT_QUEUE, POLL_QUEUE as TRIGGER_POLL_QUEUE, ShardCountMismatchError } from '../triggers';
export type { TriggerEvent, TriggerDefinition, PollOnceInput, PollOnceOutput, StaticPollState, PollStore, SubscribeInput, SubscriptionInfo, CredentialResolver, EventDelivery, TriggerWorker, TriggerWorkerOptions, TriggerServiceOptions, PollOutcome, FailedEvent, ListFailedOptions, RetryOutcome, RedisClient, RedisClusterConnection, RedisConnectionSpec } from '../triggers';
export { amountProblem, currencyDecimals, formatAmount, toMinorUnits, ZERO_DECIMAL_CURRENCIES, THREE_DECIMAL_CURRENCIES } from '../schemas/currency';

/** A client for one connection (the key is checked here, before any request). */
export function createClient(connection: ConnectionConfig, options?: StripeClientOptions): StripeClient {
  return new StripeClient(connection, options);
}

export interface ConnectionTestResult {
  ok: true;
  mode: 'test' | 'live';
  livemode: boolean;
}

/** The manifest's connection test: one read-only GET /v1/balance. Throws the StripeError on failure. */
export async function testConnection(client: StripeClient): Promise<ConnectionTestResult> {
  const { body } = await client.request<{ livemode?: boolean }>({ method: 'GET', path: '/v1/balance' });
  return { ok: true, mode: client.mode, livemode: body.livemode === true };
}
