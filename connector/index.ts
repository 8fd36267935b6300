/**
 * The host API. A flow builder reads `manifest.json` (or `buildManifest()`), makes one client per
 * connection, and calls `runAction(key, input, { client })`.
 */
import { StripeClient, type StripeClientOptions } from './client';
import type { ConnectionConfig } from './connection';

export { StripeClient, assertApiPath } from './client';
export type { StripeClientOptions, StripeRequest, StripeResponse, StripeList, StripeSearchResult, CollectedPage } from './client';
export { Connection, resolveApiBase, DEFAULT_API_BASE } from './connection';
export type { ConnectionConfig, StripeMode } from './connection';
export * from './errors';
export { defineAction, defineListAction, defineSearchAction, executeAction, parseActionInput, runParsed, sendAction } from './action';
export type { ActionContext, ActionDefinition, Paging } from './action';
export { registry, listActions, getAction, runAction } from './registry';
export { buildManifest, renderManifest, toJsonSchema } from './manifest';
export type { Manifest, ManifestAction } from './manifest';
export { createLogger, REDACT_PATHS } from './logger';
export { encodeStripeForm } from './encoding';
export { closeTransport } from './transport';
export { TriggerService, createTriggerWorker, listTriggers, getTrigger, EncryptedCredentialStore, DEFAULT_PREFIX as TRIGGER_REDIS_PREFIX, EVENT_QUEUE as TRIGGER_EVENT_QUEUE, POLL_QUEUE as TRIGGER_POLL_QUEUE } from '../triggers';
export type { TriggerEvent, TriggerDefinition, SubscribeInput, SubscriptionInfo, CredentialResolver, TriggerWorker, TriggerWorkerOptions, TriggerServiceOptions, PollOutcome } from '../triggers';
export type { ManifestTrigger } from './manifest';
export type { AttemptInfo } from './client';
export { STRIPE_API_VERSION, CONNECTOR_VERSION } from './version';
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
