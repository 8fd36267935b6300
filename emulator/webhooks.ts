/**
 * Webhook deliveries: every recorded event goes, as an HTTP POST of the event object (the JSON
 * GET /v1/events/:id answers), to each enabled endpoint that wants its type, signed the way Stripe
 * signs (`Stripe-Signature: t=<unix s>,v1=<hex HMAC-SHA256("<t>.<body>", secret)>`, one v1 per
 * valid secret, newest first).
 *
 *   event recorded -> one delivery per endpoint (+ fault draws: drop / duplicate / bad signature / delay)
 *   delay -> reorder hold (optional) -> attempt -> 2xx: delivered | else retry after a backoff
 *   -> out of attempts: failed; endpoint disabled or deleted meanwhile: canceled
 *
 * Nothing here runs inside the API request: deliveries start on a later tick, so a slow receiver
 * never delays a response. Each attempt re-reads the endpoint (URL, status, secrets) and re-signs
 * with a fresh timestamp, as Stripe's retries do. An event's `pending_webhooks` counts the endpoints
 * it has not yet reached with a 2xx (a dropped or failed delivery stays pending, as on Stripe).
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { Clock } from './clock';
import { hiddenOf, newSigningSecret, wantsEvent, type SigningSecret } from './resources/webhook_endpoints';
import type { StoredRecord, Store } from './store';
import type { WebhookDelivery, WebhookDeliveryOptions, WebhookEndpointStats, WebhookFaults } from './types';
import { WebhookFaultPlan } from './webhook-faults';

export const DEFAULT_WEBHOOK_OPTIONS: Required<WebhookDeliveryOptions> = {
  attempts: 4,
  retryDelaysMs: [200, 1000, 5000],
  timeoutMs: 5000,
  signatureClock: 'wall',
};

const USER_AGENT = 'Stripe/1.0 (+https://stripe.com/docs/webhooks)';
const MAX_LOG = 10_000;
const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

/** The Stripe-Signature header for a body, signed at `t` (unix seconds) with each secret in order. */
export function signatureHeader(body: string, t: number, secrets: string[]): string {
  const v1 = secrets.map((secret) => 'v1=' + createHmac('sha256', secret).update(`${t}.${body}`, 'utf8').digest('hex'));
  return [`t=${t}`, ...v1].join(',');
}

/** What the event record keeps for webhooks (hidden, next to the event object). */
interface EventWebhookState {
  /** Endpoints not yet reached with a 2xx. */
  pendingEndpoints: Set<string>;
}

interface Delivery {
  readonly log: WebhookDelivery;
  readonly event: StoredRecord;
  readonly endpointPartition: string;
  /** Set by the bad-signature fault: signs every attempt instead of the endpoint's secrets. */
  readonly wrongSecret: string | undefined;
  readonly delayMs: number;
  attempts: number;
}

interface IdleWaiter {
  resolve(): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

export class WebhookDispatcher {
  private readonly options: Required<WebhookDeliveryOptions>;
  private plan = new WebhookFaultPlan();
  private log: WebhookDelivery[] = [];
  private readonly statsByEndpoint = new Map<string, WebhookEndpointStats>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<http.ClientRequest>();
  private held: Delivery[] = [];
  private holdTimer: NodeJS.Timeout | undefined;
  /** Deliveries neither finished nor dropped. */
  private busy = 0;
  private waiters: IdleWaiter[] = [];
  private nextId = 0;
  /** Bumped by reset/close: callbacks of an older generation do nothing. */
  private generation = 0;
  private readonly agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    options: WebhookDeliveryOptions = {},
  ) {
    this.options = { ...DEFAULT_WEBHOOK_OPTIONS, ...options };
    const o = this.options;
    if (!Number.isInteger(o.attempts) || o.attempts < 1) throw new TypeError('webhooks.attempts must be an integer >= 1');
    if (o.retryDelaysMs.length === 0 || o.retryDelaysMs.some((ms) => !(ms >= 0))) throw new TypeError('webhooks.retryDelaysMs must be ms >= 0, at least one');
    if (!(o.timeoutMs > 0)) throw new TypeError('webhooks.timeoutMs must be > 0');
  }

  // ---- the Emulator's webhooks controls ---------------------------------------------------

  setFaults(faults: WebhookFaults): void {
    this.plan = new WebhookFaultPlan(faults);
    // A hold that no longer applies would wait for its timer for nothing.
    if (!this.plan.reorder) this.releaseHeld();
  }

  clearFaults(): void {
    this.setFaults({});
  }

  idle(timeoutMs = DEFAULT_IDLE_TIMEOUT_MS): Promise<void> {
    if (this.busy === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: IdleWaiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(new Error(`stripe emulator: ${this.busy} webhook deliveries still busy after ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  stats(): Record<string, WebhookEndpointStats>;
  stats(endpointId: string): WebhookEndpointStats;
  stats(endpointId?: string): WebhookEndpointStats | Record<string, WebhookEndpointStats> {
    if (endpointId !== undefined) return { ...(this.statsByEndpoint.get(endpointId) ?? zeroStats()) };
    return Object.fromEntries([...this.statsByEndpoint].map(([id, s]) => [id, { ...s }]));
  }

  deliveries(): WebhookDelivery[] {
    return structuredClone(this.log);
  }

  rollSecret(endpointId: string, options: { expiresIn?: number } = {}): { secret: string } {
    const expiresIn = options.expiresIn ?? 0;
    if (!(Number.isFinite(expiresIn) && expiresIn >= 0)) throw new TypeError('rollSecret: expiresIn must be seconds >= 0');
    const record = this.findEndpoint(endpointId);
    if (!record) throw new TypeError(`rollSecret: no such webhook endpoint: ${endpointId}`);
    const hidden = hiddenOf(record);
    const now = this.nowMs();
    const expiresAtMs = now + expiresIn * 1000;
    const older = this.validSecrets(hidden.secrets, now).map((s) => ({ secret: s.secret, expiresAtMs: Math.min(s.expiresAtMs ?? Infinity, expiresAtMs) }));
    const secret = newSigningSecret();
    hidden.secrets = [{ secret, expiresAtMs: null }, ...(expiresIn > 0 ? older : [])];
    return { secret };
  }

  // ---- lifecycle (the emulator core calls these) -----------------------------------------

  /** Clears deliveries, stats and faults; nothing scheduled before still happens. */
  reset(): void {
    this.stopAll();
    this.plan = new WebhookFaultPlan();
    this.log = [];
    this.statsByEndpoint.clear();
  }

  close(): void {
    this.stopAll();
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  /** Starts the deliveries of an event just recorded in partition `partitionKey`. */
  eventRecorded(partitionKey: string, event: StoredRecord): void {
    const endpoints = this.endpointsFor(partitionKey, event.object.type as string);
    if (endpoints.length === 0) return;
    const state: EventWebhookState = { pendingEndpoints: new Set(endpoints.map((e) => e.record.id)) };
    event.hidden.webhooks = state;
    event.object.pending_webhooks = state.pendingEndpoints.size;
    for (const { record, partition } of endpoints) {
      const draw = this.plan.draw();
      const original = this.createDelivery(event, record.id, partition, draw, null);
      if (draw.drop) {
        original.log.outcome = 'dropped';
        this.statsOf(record.id).dropped++;
        continue;
      }
      this.start(original);
      if (draw.duplicate) {
        this.statsOf(record.id).duplicated++;
        this.start(this.createDelivery(event, record.id, partition, this.plan.drawSending(), original.log.id));
      }
    }
  }

  // ---- delivering ------------------------------------------------------------------------

  /** Enabled endpoints wanting the type: the partition's own, and `connect` ones of other accounts in the same mode. */
  private endpointsFor(partitionKey: string, type: string): { record: StoredRecord; partition: string }[] {
    const live = partitionKey.endsWith(':live');
    const out: { record: StoredRecord; partition: string }[] = [];
    for (const [key, partition] of this.store.entries()) {
      if (key.endsWith(':live') !== live) continue;
      const connect = key !== partitionKey;
      for (const record of partition.live('webhook_endpoint')) {
        if (record.object.status === 'enabled' && hiddenOf(record).connect === connect && wantsEvent(record.object, type)) {
          out.push({ record, partition: key });
        }
      }
    }
    return out;
  }

  private createDelivery(
    event: StoredRecord,
    endpoint: string,
    endpointPartition: string,
    draw: { badSignature: boolean; delayMs: number },
    duplicateOf: string | null,
  ): Delivery {
    const log: WebhookDelivery = {
      id: `whd_${++this.nextId}`,
      event: event.id,
      type: event.object.type,
      endpoint,
      duplicateOf,
      badSignature: draw.badSignature,
      outcome: 'pending',
      responses: [],
    };
    this.log.push(log);
    if (this.log.length > MAX_LOG) this.log.splice(0, this.log.length - MAX_LOG);
    if (draw.badSignature) this.statsOf(endpoint).badSignatures++;
    return { log, event, endpointPartition, wrongSecret: draw.badSignature ? newSigningSecret() : undefined, delayMs: draw.delayMs, attempts: 0 };
  }

  private start(delivery: Delivery): void {
    this.busy++;
    this.after(delivery.delayMs, () => (this.plan.reorder ? this.hold(delivery) : this.attempt(delivery)));
  }

  /** The reorder fault: gathers a window of deliveries, then sends them shuffled. */
  private hold(delivery: Delivery): void {
    const reorder = this.plan.reorder!;
    this.held.push(delivery);
    if (this.held.length >= reorder.window) this.releaseHeld();
    else if (!this.holdTimer) this.holdTimer = this.after(reorder.maxHoldMs, () => this.releaseHeld());
  }

  private releaseHeld(): void {
    if (this.holdTimer) this.cancelTimer(this.holdTimer);
    this.holdTimer = undefined;
    const batch = this.plan.shuffle(this.held);
    this.held = [];
    for (const delivery of batch) this.attempt(delivery);
  }

  private attempt(delivery: Delivery): void {
    const endpoint = this.store.partition(delivery.endpointPartition).get(delivery.log.endpoint, 'webhook_endpoint');
    if (!endpoint || endpoint.deleted || endpoint.object.status !== 'enabled') {
      this.finish(delivery, 'canceled');
      return;
    }
    const now = this.nowMs();
    const hidden = hiddenOf(endpoint);
    hidden.secrets = this.validSecrets(hidden.secrets, now);
    const secrets = delivery.wrongSecret ? [delivery.wrongSecret] : hidden.secrets.map((s) => s.secret);
    const body = JSON.stringify(delivery.event.object, null, 2);
    const headers = {
      'Content-Type': 'application/json; charset=utf-8',
      'User-Agent': USER_AGENT,
      'Stripe-Signature': signatureHeader(body, Math.floor(now / 1000), secrets),
    };
    delivery.attempts++;
    this.statsOf(delivery.log.endpoint).attempts++;
    const generation = this.generation;
    this.post(endpoint.object.url, body, headers).then((response) => {
      if (generation !== this.generation) return;
      delivery.log.responses.push(response);
      if (typeof response === 'number' && response >= 200 && response < 300) this.delivered(delivery);
      else if (delivery.attempts >= this.options.attempts) this.finish(delivery, 'failed');
      else this.after(this.retryDelay(delivery.attempts), () => this.attempt(delivery));
    });
  }

  private delivered(delivery: Delivery): void {
    const state = delivery.event.hidden.webhooks as EventWebhookState | undefined;
    if (state?.pendingEndpoints.delete(delivery.log.endpoint)) delivery.event.object.pending_webhooks = state.pendingEndpoints.size;
    this.finish(delivery, 'delivered');
  }

  private finish(delivery: Delivery, outcome: 'delivered' | 'failed' | 'canceled'): void {
    delivery.log.outcome = outcome;
    this.statsOf(delivery.log.endpoint)[outcome]++;
    if (--this.busy === 0) this.wakeWaiters();
  }

  /** Resolves with the status, or the error code when no response came. */
  private post(url: string, body: string, headers: Record<string, string>): Promise<number | string> {
    return new Promise((resolve) => {
      let settled = false;
      const settle = (value: number | string) => {
        if (settled) return;
        settled = true;
        this.inFlight.delete(req);
        resolve(value);
      };
      const target = new URL(url);
      const secure = target.protocol === 'https:';
      const req = (secure ? https : http).request(target, {
        method: 'POST',
        headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
        agent: secure ? this.agents.https : this.agents.http,
        timeout: this.options.timeoutMs,
      });
      this.inFlight.add(req);
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => settle(res.statusCode ?? 0));
        res.on('error', () => settle(res.statusCode ?? 0));
      });
      req.on('timeout', () => {
        settle('timeout');
        req.destroy();
      });
      req.on('error', (err: NodeJS.ErrnoException) => settle(err.code ?? err.message));
      req.end(body);
    });
  }

  // ---- helpers ---------------------------------------------------------------------------

  private retryDelay(attemptsSoFar: number): number {
    const delays = this.options.retryDelaysMs;
    return delays[Math.min(attemptsSoFar - 1, delays.length - 1)]!;
  }

  private validSecrets(secrets: SigningSecret[], nowMs: number): SigningSecret[] {
    return secrets.filter((s) => s.expiresAtMs === null || s.expiresAtMs > nowMs);
  }

  private nowMs(): number {
    return this.options.signatureClock === 'emulator' ? this.clock.now() * 1000 : Date.now();
  }

  private findEndpoint(id: string): StoredRecord | undefined {
    for (const [, partition] of this.store.entries()) {
      const record = partition.get(id, 'webhook_endpoint');
      if (record && !record.deleted) return record;
    }
    return undefined;
  }

  private statsOf(endpoint: string): WebhookEndpointStats {
    let stats = this.statsByEndpoint.get(endpoint);
    if (!stats) this.statsByEndpoint.set(endpoint, (stats = zeroStats()));
    return stats;
  }

  private after(ms: number, run: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  private cancelTimer(timer: NodeJS.Timeout): void {
    clearTimeout(timer);
    this.timers.delete(timer);
  }

  private stopAll(): void {
    this.generation++;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const req of this.inFlight) req.destroy();
    this.inFlight.clear();
    this.held = [];
    this.holdTimer = undefined;
    this.busy = 0;
    this.wakeWaiters();
  }

  private wakeWaiters(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) {
      clearTimeout(w.timer);
      w.resolve();
    }
  }
}

function zeroStats(): WebhookEndpointStats {
  return { attempts: 0, delivered: 0, failed: 0, dropped: 0, duplicated: 0, badSignatures: 0, canceled: 0 };
}
