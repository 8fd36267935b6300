/**
 * The Stripe client floor: one place that sends requests (client.ts over transport.ts), Stripe's
 * form encoding, retries, the typed error hierarchy, the checked connection, logging and versions.
 * It builds on schemas/ only; actions/ and triggers/ build on it. Nothing here loads axios, undici,
 * qs, pino or zod at import: each comes with its first use.
 */
export { StripeClient, assertApiPath, isApiPath, assertIdempotencyKey } from './client';
export type { AttemptInfo, CollectedPage, HttpMethod, StripeClientOptions, StripeList, StripeRequest, StripeResponse, StripeSearchResult, WalkOptions } from './client';
export { Connection, resolveApiBase, DEFAULT_API_BASE } from './connection';
export type { ConnectionConfig, StripeMode } from './connection';
export * from './errors';
export { createLogger, silentLogger, REDACT_PATHS } from './logger';
export type { Logger, LoggerOptions } from './logger';
export { encodeStripeForm } from './encoding';
export { closeTransport } from './transport';
export { CONNECTOR_NAME, CONNECTOR_VERSION, STRIPE_API_VERSION, USER_AGENT } from './version';
export { zodProblems } from './validation';
