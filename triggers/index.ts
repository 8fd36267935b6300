/**
 * Polling triggers: definitions, the subscription service, the worker, and their building blocks.
 * Loading this loads neither BullMQ, ioredis nor the definitions' schemas: each comes with its first use.
 */
export { listTriggers, getTrigger, hasTrigger, listParams } from './catalogue';
export type { TriggerDefinition, TriggerKind } from './definitions';
export { COMMON_OPTION_NAMES, DEFAULT_BACKFILL, DEFAULT_LOOKBACK_SECONDS, DEFAULT_MAX_PAGES, MAX_LOOKBACK_SECONDS } from './defaults';
export { parseInterval, intervalMs, DEFAULT_EVERY, MIN_EVERY_MS, MAX_EVERY_MS } from './interval';
export { TriggerKeys, DEFAULT_PREFIX, POLL_QUEUE, EVENT_QUEUE, WEBHOOK_QUEUE, eventJobId, subscriptionOfEventJob, assertSubscriptionId } from './keys';
export { CLUSTER_SLOTS, MAX_SHARDS, ShardCountMismatchError, keySlot, shardIndex, shardPrefixes } from './shards';
export { openRedis, isRedisCluster } from './redis';
export type { RedisClient, RedisClusterConnection, RedisConnectionSpec } from './redis';
export { SubscriptionStore, CursorConflictError } from './store';
export type { SubscriptionRecord, PollState, SubscriptionStatus } from './store';
export { PollLock, HeldLock } from './lock';
export { AccountRateLimiter, accountHash, DEFAULT_RATE_LIMITS, RateLimitDeferredError } from './rate-limiter';
export type { RateLimitSubject } from './rate-limiter';
export { QueueSink, CollectingSink } from './sink';
export type { TriggerEvent, EventSink } from './sink';
export { Poller, isCursorGone } from './poller';
export type { PollResult } from './poller';
export { PollRunner, PollFailedError, describeError, maskedError } from './runner';
export type { CredentialResolver, ResolvedCredentials, PollOutcome, BackoffOptions, PollRunnerOptions } from './runner';
export { TriggerService, scheduleOffsetMs } from './service';
export type { SubscribeInput, SubscriptionInfo, TriggerServiceOptions, PollNowOptions } from './service';
export { DeliveryOrder } from './delivery';
export { FailedEvents } from './failed-events';
export type { FailedEvent, ListFailedOptions, RetryOutcome } from './failed-events';
export { createTriggerWorker } from './worker';
export type { EventDelivery, TriggerWorker, TriggerWorkerOptions } from './worker';
export { EncryptedCredentialStore, deleteUnusedCredentials, parseEncryptionKey, connectionRef, EncryptionKeyError, ENCRYPTION_KEY_ENV } from './credentials';
export type { PollStore, PollLockView } from './poll-store';
export { StaticDataStore, emptyStaticPollState, staticPollStateFor } from './static-data-store';
export type { StaticPollState } from './static-data-store';
export { pollOnce } from './poll-once';
export type { PollOnceInput, PollOnceOutput } from './poll-once';
export type { StripeWebhookEvent, WebhookEndpointRecord, WebhookSecretSource, WebhookInboxPort, InboxOutcome, WebhookJobData } from './webhook-types';
