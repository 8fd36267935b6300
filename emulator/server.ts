/**
 * The HTTP side: one request's path through the emulator.
 *
 *   control API? -> handled apart (no auth, not logged)
 *   log the request, take the first matching fault
 *   drop-before fault -> destroy the socket, nothing happens
 *   pre-execution checks (nothing stored for idempotency): injected status fault, auth,
 *     rate limit, route, restricted-key write, parameter validation, idempotency look-up
 *   latency (global + fault) — an idempotency key stays "in flight" meanwhile, so a concurrent
 *     request with the same key gets 409
 *   execute, store the idempotent result, answer (or, with a drop-after fault, destroy the socket)
 *   events recorded meanwhile -> webhook deliveries (webhooks.ts), which start after the answer
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import qs from 'qs';
import { KeyRing, permissionError, type Caller } from './auth';
import { Clock } from './clock';
import { handleControl, isControlPath } from './control';
import { defaultErrorForStatus, invalidRequest, rateLimitBody, StripeError } from './errors';
import { FaultQueue } from './faults';
import { fingerprint, IdempotencyStore, type StoredResponse } from './idempotency';
import { IdFactory, requestId as newRequestId } from './ids';
import { validateParams, type Params } from './params';
import { createRegistry, type RequestContext } from './resource';
import { RESOURCES } from './resources';
import { buildRoutes, findRoute, type ListSettings, type Route } from './routes';
import { Store } from './store';
import type { Emulator, EmulatorOptions, Fault, RecordedRequest, SameSecondOrder } from './types';
import { WebhookDispatcher } from './webhooks';

import { DEFAULT_STRIPE_VERSION } from './version';

export { DEFAULT_STRIPE_VERSION };
export const PLATFORM_ACCOUNT = 'acct_emulator';

const MAX_BODY_BYTES = 8 * 1024 * 1024;
const QS_OPTIONS = { arrayLimit: 1000, depth: 10, parameterLimit: 100_000 } as const;

interface Answer {
  status: number;
  body: unknown;
  headers: Record<string, string>;
  replayed: boolean;
  /** For idempotency: whether the request got as far as executing (see StripeError.stage). */
  stage?: 'validation' | 'execution';
}

export class EmulatorCore {
  readonly clock = new Clock();
  readonly requests: RecordedRequest[] = [];
  private readonly store = new Store();
  private readonly ids = new IdFactory();
  private readonly faults = new FaultQueue();
  private readonly idempotency = new IdempotencyStore();
  private readonly keys: KeyRing;
  private readonly registry = createRegistry(RESOURCES);
  private readonly routes: Route[] = buildRoutes(this.registry);
  /** Sends recorded events to the webhook endpoints; the Emulator's `webhooks` controls drive it. */
  readonly webhooks: WebhookDispatcher;
  private latencyMs = 0;
  private sameSecondOrder: SameSecondOrder;
  private readonly rate = new Map<string, { second: number; count: number }>();
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private server: Server | undefined;
  private closed = false;
  /** The public Emulator object, which the control API drives. */
  private emulatorView: Emulator | undefined;

  constructor(private readonly options: EmulatorOptions = {}) {
    this.keys = new KeyRing(options.apiKeys, options.readOnlyKeys);
    this.sameSecondOrder = options.sameSecondOrder ?? 'newest_first';
    this.webhooks = new WebhookDispatcher(this.store, this.clock, options.webhooks);
  }

  // ---- lifecycle -------------------------------------------------------------------------

  async listen(): Promise<{ host: string; port: number }> {
    const host = this.options.host ?? '127.0.0.1';
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        // Only reachable through an emulator bug in the HTTP plumbing itself.
        process.stderr.write(`stripe emulator: ${(err as Error).stack ?? String(err)}\n`);
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: { type: 'api_error', message: 'emulator failure' } }));
      });
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('stripe emulator: no TCP address');
    return { host, port: address.port };
  }

  /** Closes the server and every socket (keep-alive ones included) so the process can exit. */
  async close(): Promise<void> {
    if (this.closed || !this.server) return;
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.webhooks.close();
    const done = new Promise<void>((resolve) => this.server!.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.server.closeAllConnections();
    await done;
  }

  // ---- controls (the Emulator interface delegates here) -----------------------------------

  reset(): void {
    this.store.clear();
    this.idempotency.clear();
    this.faults.clear();
    this.webhooks.reset();
    this.requests.length = 0;
    this.keys.clearRevoked();
    this.clock.useRealTime();
    this.latencyMs = 0;
    this.rate.clear();
    this.sameSecondOrder = this.options.sameSecondOrder ?? 'newest_first';
  }

  inject(fault: Fault): void {
    this.faults.inject(fault);
  }

  /** Request faults and webhook delivery faults alike. */
  clearFaults(): void {
    this.faults.clear();
    this.webhooks.clearFaults();
  }

  setLatency(ms: number): void {
    if (!(ms >= 0)) throw new TypeError('latency must be >= 0 ms');
    this.latencyMs = ms;
  }

  setSameSecondOrder(order: SameSecondOrder): void {
    this.sameSecondOrder = order;
  }

  revokeKey(key: string): void {
    this.keys.revoke(key);
  }

  restoreKey(key: string): void {
    this.keys.restore(key);
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  objects(type: string, account = PLATFORM_ACCOUNT): any[] {
    return this.store.partition(account).live(type).map((r) => structuredClone(r.object));
  }

  // ---- request handling ------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname;
    const rawQuery = url.search.slice(1);
    const rawBody = await readBody(req);
    if (rawBody === undefined) return; // aborted by the client

    if (isControlPath(path)) {
      const answer = await handleControl(this.asEmulator(), method, path, url.searchParams, rawBody);
      res.writeHead(answer.status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(answer.body));
      return;
    }

    const headers = lowerCaseHeaders(req);
    const query = qs.parse(rawQuery, QS_OPTIONS) as Record<string, unknown>;
    const body = method === 'POST' ? (qs.parse(rawBody, QS_OPTIONS) as Record<string, unknown>) : {};
    const record: RecordedRequest = {
      method,
      path,
      query,
      body,
      rawQuery,
      rawBody,
      headers,
      status: 0,
      requestId: newRequestId(),
      idempotentReplayed: false,
      receivedAt: Date.now(),
      account: headers['stripe-account'] || PLATFORM_ACCOUNT,
    };
    this.requests.push(record);

    const fault = this.faults.take(method, path);
    if (fault?.kind === 'drop' && fault.when === 'before') {
      req.socket.destroy();
      return;
    }
    const delayMs = this.latencyMs + (fault?.kind === 'latency' ? fault.ms : 0);

    let early: Answer | undefined;
    let execute: (() => Answer) | undefined;
    try {
      // Stripe reads params of a POST from the body, and also from the query string.
      execute = this.prepare(record, fault, method === 'POST' ? { ...query, ...body } : query);
    } catch (err) {
      early = this.errorAnswer(err);
    }
    await this.delay(delayMs);
    if (this.closed) return;
    const answer = early ?? execute!();

    if (fault?.kind === 'drop' && fault.when === 'after') {
      req.socket.destroy();
      return;
    }
    record.status = answer.status;
    record.idempotentReplayed = answer.replayed;
    res.writeHead(answer.status, {
      ...answer.headers,
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, no-store',
      'Request-Id': record.requestId,
      'Stripe-Version': headers['stripe-version'] || DEFAULT_STRIPE_VERSION,
      ...(headers['idempotency-key'] ? { 'Idempotency-Key': headers['idempotency-key'] } : {}),
    });
    res.end(JSON.stringify(answer.body, null, 2));
  }

  /**
   * Everything that happens before execution, synchronously. Throws the error to answer, or
   * returns the execution step (which never throws: errors become answers).
   */
  private prepare(record: RecordedRequest, fault: Fault | undefined, rawParams: Record<string, unknown>): () => Answer {
    if (fault?.kind === 'status') throw injectedError(fault);
    const caller = this.keys.authenticate(record.headers['authorization']);
    this.checkRateLimit(record.account);

    const found = findRoute(this.routes, record.method, record.path);
    if (!found) {
      throw invalidRequest(
        `Unrecognized request URL (${record.method}: ${record.path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
        { status: 404, stage: 'validation' },
      );
    }
    if (caller.readOnly && record.method !== 'GET') {
      throw permissionError(caller.key, record.account, `rak_${found.route.def.type}_write`);
    }
    if (record.method === 'POST' && record.rawBody !== '') checkContentType(record.headers['content-type']);
    const params = validateParams(rawParams, found.route.params);

    const partitionKey = record.account + (caller.livemode ? ':live' : '');
    const run = (): Answer => this.execute(found.route, params, found.pathId, found.path, caller, record, partitionKey);
    const key = record.headers['idempotency-key'];
    if (record.method !== 'POST' || !key) return run;
    return this.withIdempotency(partitionKey, key, fingerprint(record.method, record.path, rawParams), record, run);
  }

  private withIdempotency(partitionKey: string, key: string, print: string, record: RecordedRequest, run: () => Answer): () => Answer {
    if (key.length > 255) {
      throw invalidRequest('Idempotency-Key values can be at most 255 characters long.', { stage: 'validation' });
    }
    const lookup = this.idempotency.begin(partitionKey, key, print, this.clock.now());
    switch (lookup.kind) {
      case 'mismatch':
        throw new StripeError(
          400,
          {
            type: 'idempotency_error',
            message:
              'Keys for idempotent requests can only be used with the same parameters they were first used with. ' +
              `Try using a key other than '${key}' if you meant to execute a different request.`,
          },
          'validation',
        );
      case 'in_flight':
        throw new StripeError(
          409,
          {
            type: 'idempotency_error',
            code: 'idempotency_key_in_use',
            message:
              'There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, ' +
              `and the other request is still going through): ${key}. Please try again later.`,
          },
          'validation',
        );
      case 'replay':
        return () => replayAnswer(lookup.response);
      case 'new':
        return () => {
          const answer = run();
          if (answer.stage === 'validation') this.idempotency.abandon(partitionKey, key);
          else this.idempotency.complete(partitionKey, key, { status: answer.status, body: answer.body, requestId: record.requestId });
          return { ...answer, headers: { ...answer.headers, 'Original-Request': record.requestId } };
        };
    }
  }

  private execute(
    route: Route,
    params: Params,
    pathId: string | undefined,
    path: Record<string, string>,
    caller: Caller,
    record: RecordedRequest,
    partitionKey: string,
  ): Answer {
    const settings: ListSettings = {
      sameSecondOrder: this.sameSecondOrder,
      honourCreatedFilter: this.options.honourCreatedFilter ?? true,
    };
    const ctx: RequestContext = {
      store: this.store.partition(partitionKey),
      account: record.account,
      livemode: caller.livemode,
      now: this.clock.now(),
      ids: this.ids,
      requestId: record.requestId,
      idempotencyKey: record.headers['idempotency-key'],
      registry: this.registry,
      listSettings: settings,
      eventRecorded: (event) => this.webhooks.eventRecorded(partitionKey, event),
    };
    try {
      const result = route.run(ctx, params, pathId, settings, path);
      return { status: result.status, body: result.body, headers: {}, replayed: false, stage: 'execution' };
    } catch (err) {
      return { ...this.errorAnswer(err), stage: err instanceof StripeError ? err.stage : 'execution' };
    }
  }

  private errorAnswer(err: unknown): Answer {
    if (err instanceof StripeError) return { status: err.status, body: { error: err.body }, headers: err.headers, replayed: false };
    // A bug in the emulator: answer like Stripe's 500 but say what broke, to ease debugging tests.
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`stripe emulator: ${err instanceof Error ? err.stack : message}\n`);
    return {
      status: 500,
      body: { error: { type: 'api_error', message: `An unknown error occurred (emulator: ${message})` } },
      headers: {},
      replayed: false,
    };
  }

  /** Counts requests per account in the current wall-clock second (the emulator clock may be frozen). */
  private checkRateLimit(account: string): void {
    const limit = this.options.rateLimitPerSecond;
    if (!limit) return;
    const second = Math.floor(Date.now() / 1000);
    const slot = this.rate.get(account);
    if (!slot || slot.second !== second) this.rate.set(account, { second, count: 1 });
    else if (++slot.count > limit) throw new StripeError(429, rateLimitBody(), 'validation');
  }

  private delay(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  /** Set by index.ts: the public object, so the control API drives exactly what tests drive. */
  bindPublic(emulator: Emulator): void {
    this.emulatorView = emulator;
  }

  private asEmulator(): Emulator {
    if (!this.emulatorView) throw new Error('stripe emulator: not bound');
    return this.emulatorView;
  }
}

function injectedError(fault: Extract<Fault, { kind: 'status' }>): StripeError {
  const headers: Record<string, string> = {};
  if (fault.shouldRetry !== undefined) headers['Stripe-Should-Retry'] = String(fault.shouldRetry);
  if (fault.retryAfter !== undefined) headers['Retry-After'] = String(fault.retryAfter);
  const body = { ...defaultErrorForStatus(fault.status), ...(fault.error ?? {}) };
  return new StripeError(fault.status, body, 'validation', headers);
}

function replayAnswer(stored: StoredResponse): Answer {
  return {
    status: stored.status,
    body: stored.body,
    headers: { 'Idempotent-Replayed': 'true', 'Original-Request': stored.requestId },
    replayed: true,
  };
}

/** Stripe takes form-encoded bodies only. */
function checkContentType(contentType: string | undefined): void {
  const type = (contentType ?? 'application/x-www-form-urlencoded').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw invalidRequest(
      `Invalid request: unsupported Content-Type ${type}. If error persists and you need assistance, please contact support@stripe.com.`,
      { stage: 'validation' },
    );
  }
}

function lowerCaseHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** The whole body as text, or undefined when the client went away first. */
function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.socket.destroy();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('aborted', () => resolve(undefined));
    req.on('error', () => resolve(undefined));
  });
}
