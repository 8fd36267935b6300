import { isIP } from 'node:net';
import type { ConnectionConfig } from '../schemas/connection';
import { StripeInputValidationError } from './errors';
import { zodProblems } from './validation';

export type { ConnectionConfig };
export type StripeMode = 'test' | 'live';

export const DEFAULT_API_BASE = 'https://api.stripe.com';

/** A checked connection. The credential lives in a private field so logging or serialising the object never shows it. */
export class Connection {
  readonly #authorization: string;
  readonly mode: StripeMode;
  readonly restricted: boolean;
  readonly stripeAccount?: string;
  readonly apiVersion?: string;

  constructor(config: ConnectionConfig) {
    // The schema (and zod) load with the first connection, not at import.
    const { connectionSchema } = require('../schemas/connection') as typeof import('../schemas/connection');
    const parsed = connectionSchema.safeParse(config);
    if (!parsed.success) throw new StripeInputValidationError('Invalid Stripe connection', zodProblems(parsed.error));
    const key = parsed.data.secret_key;
    this.#authorization = `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
    this.mode = key.includes('_live_') ? 'live' : 'test';
    this.restricted = key.startsWith('rk_');
    this.stripeAccount = parsed.data.stripe_account;
    this.apiVersion = parsed.data.api_version;
  }

  /** The Authorization header value: HTTP Basic, key as username, empty password. */
  authorizationHeader(): string {
    return this.#authorization;
  }

  toJSON(): Record<string, unknown> {
    return { mode: this.mode, restricted: this.restricted, stripe_account: this.stripeAccount, api_version: this.apiVersion };
  }
}

const LOOPBACK_NAMES = new Set(['localhost', '::1', '[::1]']);

function isLoopback(hostname: string): boolean {
  if (LOOPBACK_NAMES.has(hostname)) return true;
  return isIP(hostname) === 4 && hostname.startsWith('127.');
}

/**
 * The one origin the key may be sent to: https anywhere, plain http only on loopback (the emulator).
 * A path, query, fragment or credentials in the base are refused rather than silently dropped.
 */
export function resolveApiBase(configured: string | undefined = process.env.STRIPE_API_BASE): string {
  const raw = configured?.trim() || DEFAULT_API_BASE;
  const refuse = (why: string): never => {
    throw new StripeInputValidationError('Invalid Stripe API base URL', [{ field: 'api_base', message: why }]);
  };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse(`not a URL: ${JSON.stringify(raw)}`);
  }
  if (url.username || url.password) refuse('must not contain credentials');
  if (url.search || url.hash) refuse('must not contain a query or fragment');
  if (url.pathname !== '/') refuse('must be an origin only, such as https://api.stripe.com');
  if (url.protocol === 'https:') return url.origin;
  if (url.protocol === 'http:' && isLoopback(url.hostname)) return url.origin;
  return refuse('must use https (plain http is allowed only on a loopback address such as 127.0.0.1)');
}
