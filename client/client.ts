import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection, resolveApiBase, type ConnectionConfig } from './connection';
import { encodeStripeForm } from './encoding';
import { StripeAPIError, StripeConnectionError, StripeInputValidationError, errorFromResponse } from './errors';
import { maskSecrets } from './secrets';
import { paramLimitProblems } from '../schemas/limits';
import { silentLogger, type Logger } from './logger';
import { DEFAULT_RETRY_OPTIONS, isRetryable, parseRetryAfterMs, retryDelayMs, type AttemptOutcome, type RetryOptions } from './retry';
import { http, type ResponseHeaders } from './transport';
import { STRIPE_API_VERSION, USER_AGENT } from './version';

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

export interface StripeClientOptions extends Partial<RetryOptions> {
  /** Origin the key is sent to. Default env `STRIPE_API_BASE`, else https://api.stripe.com. */
  apiBase?: string;
  /** Per-attempt timeout. Default 80 000 ms (stripe-node's). */
  timeoutMs?: number;
  /** Request lines go here (info: each request; warn: each retry). Default: silent. */
  logger?: Logger;
  /**
   * Awaited before every attempt, retries included (after the retry's backoff), e.g. to take a token
   * from a shared rate limiter; `previous` says how the attempt before a retry ended. A throw ends the
   * request with that error. Default: none.
   */
  beforeAttempt?: (attempt: AttemptInfo) => Promise<void> | void;
}

/** What `beforeAttempt` is told about the attempt about to be made. */
export interface AttemptInfo {
  /** 0 for the first attempt, n for the n-th retry. */
  retry: number;
  /** Retries only: the previous attempt's HTTP status (0: no response), its Retry-After, and when it ended (ms epoch). */
  previous?: { status: number; retryAfterMs?: number; at: number };
}

export interface StripeRequest {
  method: HttpMethod;
  /** An API path such as `/v1/customers/cus_123`; never a URL. */
  path: string;
  /** Query (GET, DELETE) or body (POST): Stripe's form encoding under /v1/, JSON under /v2/. */
  params?: Record<string, unknown>;
  /** POST only: sent as Idempotency-Key; generated (UUIDv4) when absent. Every retry reuses it. */
  idempotencyKey?: string;
}

export interface StripeResponse<T> {
  body: T;
  statusCode: number;
  requestId?: string;
  idempotencyKey?: string;
  /** Stripe answered from its idempotency record (the request had already been executed). */
  replayed: boolean;
  retries: number;
}

export interface StripeList<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  url?: string;
}

export interface StripeSearchResult<T> {
  object: 'search_result';
  data: T[];
  has_more: boolean;
  next_page: string | null;
  url?: string;
}

/** What a walk over pages collected: at most the cap, and whether anything was left. */
export interface CollectedPage<T> {
  data: T[];
  has_more: boolean;
}

export interface WalkOptions {
  /** Stop after this many items. Default: no cap. */
  maxItems?: number;
  /** Told after each page (a CLI shows it as progress on a long walk). Default: nothing. */
  onPage?: (progress: WalkProgress) => void;
}

/** How far a walk over pages has got. */
export interface WalkProgress {
  pages: number;
  items: number;
  /** The walk has ended (this is its last report). */
  done: boolean;
  /** It ended at `maxItems` with more items left in Stripe. */
  capped: boolean;
}

const DEFAULT_TIMEOUT_MS = 80_000;
const DEFAULT_PAGE_SIZE = 100;
const API_PATH = /^\/v[12](\/[A-Za-z0-9_.-]+)+$/;

/**
 * A plain Stripe API path: no input can turn a request into one for another host or another endpoint
 * (no scheme, no host, no `..`, no `//`, no percent-escapes).
 */
export function isApiPath(path: string): boolean {
  return API_PATH.test(path) && !path.split('/').some((segment) => segment === '.' || segment === '..');
}

/** Refuses anything `isApiPath` does not accept, before any request goes out. */
export function assertApiPath(path: string): void {
  if (!isApiPath(path)) {
    throw new StripeInputValidationError('Refused request path', [
      { field: 'path', message: `${JSON.stringify(path)} is not a Stripe API path such as /v1/customers` },
    ]);
  }
}

/** The same rule the actions' `idempotency_key` field states, for callers of the client itself. */
export function assertIdempotencyKey(key: string): void {
  // schemas/common (and zod) load only for a caller-chosen key; the actions have checked theirs already.
  const { idempotencyKeyValue } = require('../schemas/common') as typeof import('../schemas/common');
  const parsed = idempotencyKeyValue.safeParse(key);
  if (!parsed.success) {
    throw new StripeInputValidationError('Invalid idempotency key', [
      { field: 'idempotency_key', message: parsed.error.issues.map((issue) => issue.message).join('; ') },
    ]);
  }
}

interface ObjectWithId {
  id: string;
}

export class StripeClient {
  readonly connection: Connection;
  readonly apiBase: string;
  readonly timeoutMs: number;
  readonly retry: RetryOptions;
  readonly logger: Logger;
  private readonly beforeAttempt?: StripeClientOptions['beforeAttempt'];
  /**
   * Request headers built once per client: everything but a POST's Idempotency-Key is fixed by the
   * connection. A #private field, as in Connection, so that logging or serialising the client never
   * shows the Authorization header.
   */
  readonly #headers: { read: Readonly<Record<string, string>>; postForm: Readonly<Record<string, string>>; postJson: Readonly<Record<string, string>> };

  constructor(connection: Connection | ConnectionConfig, options: StripeClientOptions = {}) {
    this.connection = connection instanceof Connection ? connection : new Connection(connection);
    this.apiBase = resolveApiBase(options.apiBase);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.retry = {
      maxRetries: options.maxRetries ?? DEFAULT_RETRY_OPTIONS.maxRetries,
      initialRetryDelayMs: options.initialRetryDelayMs ?? DEFAULT_RETRY_OPTIONS.initialRetryDelayMs,
      maxRetryDelayMs: options.maxRetryDelayMs ?? DEFAULT_RETRY_OPTIONS.maxRetryDelayMs,
      maxRetryAfterMs: options.maxRetryAfterMs ?? DEFAULT_RETRY_OPTIONS.maxRetryAfterMs,
    };
    this.logger = options.logger ?? silentLogger;
    this.beforeAttempt = options.beforeAttempt;
    const read: Record<string, string> = {
      Authorization: this.connection.authorizationHeader(),
      Accept: 'application/json',
      'User-Agent': USER_AGENT,
      'Stripe-Version': this.apiVersion,
    };
    if (this.connection.stripeAccount) read['Stripe-Account'] = this.connection.stripeAccount;
    this.#headers = {
      read: Object.freeze(read),
      postForm: Object.freeze({ ...read, 'Content-Type': 'application/x-www-form-urlencoded' }),
      postJson: Object.freeze({ ...read, 'Content-Type': 'application/json' }),
    };
  }

  get mode(): 'test' | 'live' {
    return this.connection.mode;
  }

  /** The connected account requests act on (`Stripe-Account`), if any. */
  get stripeAccount(): string | undefined {
    return this.connection.stripeAccount;
  }

  /** The `Stripe-Version` sent: the connection's override, else the pinned version. */
  get apiVersion(): string {
    return this.connection.apiVersion ?? STRIPE_API_VERSION;
  }

  /** Sends one request, retrying what is safe to retry; returns Stripe's JSON or throws a StripeError. */
  async request<T = unknown>(request: StripeRequest): Promise<StripeResponse<T>> {
    assertApiPath(request.path);
    if (request.idempotencyKey !== undefined) assertIdempotencyKey(request.idempotencyKey);
    // Also for callers of the client itself: the encoders recurse, and a prototype key would be misread.
    const limits = paramLimitProblems(request.params);
    if (limits.length > 0) throw new StripeInputValidationError('Invalid request parameters', limits);
    const isPost = request.method === 'POST';
    // The v2 API takes JSON bodies; v1 and every query string take Stripe's form encoding.
    const jsonBody = isPost && request.path.startsWith('/v2/');
    const encoded = jsonBody ? JSON.stringify(request.params ?? {}) : encodeStripeForm(request.params);
    const idempotencyKey = isPost ? (request.idempotencyKey ?? randomUUID()) : undefined;
    const headers = isPost ? { ...(jsonBody ? this.#headers.postJson : this.#headers.postForm), 'Idempotency-Key': idempotencyKey! } : this.#headers.read;
    const pathAndQuery = !isPost && encoded ? `${request.path}?${encoded}` : request.path;
    const logFields = {
      method: request.method,
      path: request.path,
      stripe_account: this.connection.stripeAccount,
      idempotency_key: idempotencyKey,
    };

    const started = performance.now();
    let previous: AttemptInfo['previous'];
    for (let retries = 0; ; retries++) {
      if (this.beforeAttempt) await this.beforeAttempt({ retry: retries, previous });
      let outcome: AttemptOutcome;
      let status = 0;
      let text = '';
      let responseHeaders: ResponseHeaders = {};
      let networkError: unknown;
      try {
        const response = await http().request<string>({
          method: request.method,
          baseURL: this.apiBase,
          url: pathAndQuery,
          headers,
          data: isPost ? encoded : undefined,
          timeout: this.timeoutMs,
        });
        status = response.status;
        text = response.data;
        responseHeaders = response.headers as ResponseHeaders;
        outcome = {
          kind: 'response',
          status,
          shouldRetryHeader: responseHeaders['stripe-should-retry'],
          retryAfterHeader: responseHeaders['retry-after'],
        };
      } catch (error) {
        networkError = error;
        outcome = { kind: 'network' };
      }
      const requestId = responseHeaders['request-id'];
      const succeeded = outcome.kind === 'response' && status >= 200 && status < 300;
      const retryable = !succeeded && isRetryable(outcome);

      if (retryable && retries < this.retry.maxRetries) {
        const delay = retryDelayMs(retries + 1, this.retry, outcome.kind === 'response' ? outcome.retryAfterHeader : undefined);
        this.logger.warn(
          { ...logFields, status: status || undefined, request_id: requestId, error: networkError ? describeNetworkError(networkError) : undefined, retry: retries + 1, delay_ms: Math.round(delay) },
          'stripe request failed; retrying',
        );
        const retryAfterMs = outcome.kind === 'response' ? parseRetryAfterMs(outcome.retryAfterHeader) : undefined;
        previous = { status, retryAfterMs, at: Date.now() };
        await sleep(delay);
        continue;
      }

      const duration_ms = Math.round(performance.now() - started);
      if (networkError) {
        const error = new StripeConnectionError({
          message: `Could not reach Stripe (${describeNetworkError(networkError)})${retries ? `; retried ${retries} times` : ''}`,
          type: 'api_connection_error',
          retryable: true,
        });
        this.logger.warn({ ...logFields, error: error.message, duration_ms, retries }, 'stripe request failed');
        throw error;
      }

      this.logger.info({ ...logFields, status, request_id: requestId, duration_ms, retries }, 'stripe request');
      if (status >= 300 && status < 400) {
        throw new StripeAPIError({
          message: `Stripe answered with a redirect (HTTP ${status}); the connector never follows redirects`,
          requestId,
          statusCode: status,
        });
      }
      const body = parseJson(text);
      if (succeeded) {
        if (body === undefined) {
          throw new StripeAPIError({ message: `Invalid JSON received from the Stripe API (HTTP ${status})`, requestId, statusCode: status });
        }
        return {
          body: body as T,
          statusCode: status,
          requestId,
          idempotencyKey,
          replayed: responseHeaders['idempotent-replayed'] === 'true',
          retries,
        };
      }
      // A proxy's HTML 401 or 502 is still an authentication or API error: map by status.
      // A non-JSON body (a proxy's page) is kept as text in the error's `raw`, masked like the rest.
      throw errorFromResponse(status, body ?? text, requestId, retryable);
    }
  }

  /** One page of a list endpoint. */
  async list<T extends ObjectWithId>(path: string, params: Record<string, unknown> = {}): Promise<StripeList<T>> {
    return (await this.request<StripeList<T>>({ method: 'GET', path, params })).body;
  }

  /** One page of a search endpoint (`query`, `limit`, `page`). */
  async search<T>(path: string, params: Record<string, unknown>): Promise<StripeSearchResult<T>> {
    return (await this.request<StripeSearchResult<T>>({ method: 'GET', path, params })).body;
  }

  /**
   * Every item of a list, fetched page by page as the caller consumes it. With `ending_before` the walk
   * goes forward in time and yields oldest first; otherwise it goes back in time from `starting_after`
   * (or from the newest), newest first. Pages are of `limit` (default 100).
   */
  async *listAll<T extends ObjectWithId>(path: string, params: Record<string, unknown> = {}, options: WalkOptions = {}): AsyncGenerator<T> {
    yield* capItems(this.listPages<T>(path, params), options);
  }

  /** Every item of a search, page by page (`next_page`), in Stripe's order. */
  async *searchAll<T>(path: string, params: Record<string, unknown>, options: WalkOptions = {}): AsyncGenerator<T> {
    yield* capItems(this.searchPages<T>(path, params), options);
  }

  /** Walks a list like `listAll`, keeps at most `maxItems`, and says whether more were left. */
  collectList<T extends ObjectWithId>(path: string, params: Record<string, unknown> = {}, options: WalkOptions = {}): Promise<CollectedPage<T>> {
    return collect(this.listPages<T>(path, params), options);
  }

  /** Walks a search like `searchAll`, keeps at most `maxItems`, and says whether more were left. */
  collectSearch<T>(path: string, params: Record<string, unknown>, options: WalkOptions = {}): Promise<CollectedPage<T>> {
    return collect(this.searchPages<T>(path, params), options);
  }

  private async *listPages<T extends ObjectWithId>(path: string, params: Record<string, unknown>): AsyncGenerator<Page<T>> {
    const forward = params.ending_before !== undefined && params.ending_before !== null;
    if (forward && params.starting_after !== undefined && params.starting_after !== null) {
      throw new StripeInputValidationError('Invalid pagination', [
        { field: 'starting_after', message: 'starting_after and ending_before cannot be used together' },
      ]);
    }
    const cursorParam = forward ? 'ending_before' : 'starting_after';
    let cursor = params[cursorParam];
    for (;;) {
      const page = await this.list<T>(path, { ...params, limit: params.limit ?? DEFAULT_PAGE_SIZE, [cursorParam]: cursor });
      // ending_before pages still come newest first: their newest id is the next cursor forward.
      const edge = forward ? page.data[0] : page.data[page.data.length - 1];
      const more = page.has_more && edge !== undefined;
      yield { items: forward ? [...page.data].reverse() : page.data, more };
      if (!more) return;
      cursor = edge.id;
    }
  }

  private async *searchPages<T>(path: string, params: Record<string, unknown>): AsyncGenerator<Page<T>> {
    let page = params.page;
    for (;;) {
      const result = await this.search<T>(path, { ...params, limit: params.limit ?? DEFAULT_PAGE_SIZE, page });
      const more = result.has_more && !!result.next_page;
      yield { items: result.data, more };
      if (!more) return;
      page = result.next_page;
    }
  }
}

interface Page<T> {
  items: T[];
  /** Whether another page follows. */
  more: boolean;
}

async function* capItems<T>(pages: AsyncGenerator<Page<T>>, { maxItems = Number.POSITIVE_INFINITY, onPage }: WalkOptions): AsyncGenerator<T> {
  if (maxItems <= 0) return;
  let count = 0;
  let pageCount = 0;
  for await (const page of pages) {
    pageCount++;
    const taken = Math.min(page.items.length, maxItems - count);
    const capped = count + taken >= maxItems && (page.items.length > taken || page.more);
    onPage?.({ pages: pageCount, items: count + taken, done: capped || !page.more, capped });
    for (const item of page.items) {
      yield item;
      // Stop before the generator asks for another page the caller will not read.
      if (++count >= maxItems) return;
    }
  }
}

async function collect<T>(pages: AsyncGenerator<Page<T>>, { maxItems = Number.POSITIVE_INFINITY, onPage }: WalkOptions): Promise<CollectedPage<T>> {
  const data: T[] = [];
  let pageCount = 0;
  for await (const page of pages) {
    pageCount++;
    const room = maxItems - data.length;
    data.push(...page.items.slice(0, room));
    const full = data.length >= maxItems;
    const hasMore = page.items.length > room || (full && page.more);
    onPage?.({ pages: pageCount, items: data.length, done: full || !page.more, capped: hasMore });
    if (full) return { data, has_more: hasMore };
  }
  return { data, has_more: false };
}

/** The body as JSON, or undefined when it is not JSON (an empty body counts as `{}`). */
function parseJson(text: string): unknown {
  if (text === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describeNetworkError(error: unknown): string {
  const e = error as { code?: string; message?: string };
  return maskSecrets([e.code, e.message].filter(Boolean).join(': ') || 'network error');
}

