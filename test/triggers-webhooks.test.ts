/**
 * Instant triggers, the worker's side: a received webhook (a job on the webhooks queue, as the
 * receiver's inbox queues it) fires the `delivery: "webhook+poll"` subscriptions it concerns through
 * the poll's own emit path, so each object fires once whichever path sees it first.
 */
import type { Redis } from 'ioredis';
import type { Queue } from 'bullmq';
import type { StripeClient } from '../client/client';
import { bullmq } from '../triggers/queue-libs';
import { WEBHOOK_QUEUE } from '../triggers/keys';
import { TriggerService } from '../triggers/service';
import type { TriggerEvent } from '../triggers/sink';
import { webhookRefOf } from '../triggers/webhook-index';
import type { StripeWebhookEvent, WebhookJobData } from '../triggers/webhook-types';
import { createTriggerWorker, type TriggerWorker } from '../triggers/worker';
import { FAST_RETRIES, TEST_KEY, clientFor, startTestEmulator, type Emulator } from './support/harness';
import { startTestRedis, type TestRedis } from './support/redis';
import { waitFor } from './support/triggers';

jest.setTimeout(60_000);

const REF = webhookRefOf({ secret_key: TEST_KEY });

let redisServer: TestRedis;
let redis: Redis;
let emulator: Emulator;
let client: StripeClient;
let service: TriggerService;
let worker: TriggerWorker;
let inbox: Queue<WebhookJobData>;
const delivered = new Map<string, TriggerEvent[]>();

const eventsOf = (id: string) => delivered.get(id) ?? [];

/** The newest event of `type` about `objectId`, as Stripe's API (and so a webhook) carries it. */
async function eventAbout(type: string, objectId: string): Promise<StripeWebhookEvent> {
  const { body } = await client.request<{ data: StripeWebhookEvent[] }>({ method: 'GET', path: '/v1/events', params: { type, limit: 100 } });
  const event = body.data.find((e) => e.data.object.id === objectId);
  if (!event) throw new Error(`no ${type} event about ${objectId}`);
  return event;
}

/** What the receiver's inbox does with a verified delivery (job id `<ref>.<event id>`). */
async function receive(event: StripeWebhookEvent, jobId = `${REF}.${event.id}`): Promise<void> {
  await inbox.add(event.type, { ref: REF, event, received_at: new Date().toISOString() }, { jobId, removeOnComplete: { age: 3600 }, attempts: 5 });
}

async function charge(params: Record<string, unknown> = {}): Promise<string> {
  const { body } = await client.request<{ id: string }>({ method: 'POST', path: '/v1/charges', params: { amount: 700, currency: 'usd', source: 'tok_visa', ...params } });
  return body.id;
}

async function subscribed(id: string, trigger: string, options: Record<string, unknown>): Promise<void> {
  await service.subscribe({ id, trigger, options });
  // The worker takes the baseline (subscribe asks for a poll now).
  await waitFor(async () => (await service.status(id))!.state.baselined, `${id}'s baseline`);
}

beforeAll(async () => {
  redisServer = await startTestRedis();
  redis = redisServer.client();
  emulator = await startTestEmulator();
  client = clientFor(emulator);
  const resolveCredentials = () => ({ secret_key: TEST_KEY });
  service = new TriggerService({ redis, prefix: redisServer.prefix, resolveCredentials, clientOptions: { apiBase: emulator.url, ...FAST_RETRIES } });
  worker = createTriggerWorker({
    connection: redisServer.url,
    prefix: redisServer.prefix,
    resolveCredentials,
    clientOptions: { apiBase: emulator.url, ...FAST_RETRIES },
    rateLimits: { test: 10_000 },
    onEvent: (event) => {
      delivered.set(event.subscription_id, [...eventsOf(event.subscription_id), event]);
    },
  });
  await worker.ready;
  const { Queue } = bullmq();
  inbox = new Queue(WEBHOOK_QUEUE, { connection: redis, prefix: redisServer.prefix });
});

afterAll(async () => {
  await worker?.close(5_000);
  await inbox?.close();
  await service?.close();
  redis?.disconnect();
  await emulator?.close();
  await redisServer?.stop();
});

describe('a received webhook', () => {
  it('fires a webhook+poll subscription once, and the poll after it does not fire the object again', async () => {
    await subscribed('wh-charges', 'new_charge', { delivery: 'webhook+poll' });
    const id = await charge();
    await receive(await eventAbout('charge.succeeded', id));
    await waitFor(() => eventsOf('wh-charges').length === 1, 'the webhook-fired event');
    expect(eventsOf('wh-charges')[0]!.object_id).toBe(id);
    const { events } = await service.pollNow('wh-charges', { deliver: 'return' });
    expect(events).toEqual([]);
    // The poll moved its cursor over the object the webhook fired: a later charge is the poll's.
    const later = await charge();
    const next = await service.pollNow('wh-charges', { deliver: 'return' });
    expect(next.events.map((e) => e.object_id)).toEqual([later]);
  });

  it('does not fire what the poll already fired, nor a second delivery of the same event', async () => {
    await subscribed('wh-late', 'new_charge', { delivery: 'webhook+poll' });
    const id = await charge();
    await service.requestPoll('wh-late');
    await waitFor(() => eventsOf('wh-late').length === 1, 'the poll-fired event');
    const event = await eventAbout('charge.succeeded', id);
    await receive(event);
    // A duplicate delivery that got past the inbox's job id (another job id): the seen record holds.
    await receive(event, `${REF}.${event.id}.again`);
    await waitFor(async () => (await inbox.getCompletedCount()) >= 3, 'both deliveries handled', { timeoutMs: 10_000 });
    expect(eventsOf('wh-late').map((e) => e.object_id)).toEqual([id]);
  });

  it('fires only subscriptions whose filters hold on the object, and never a poll-only one', async () => {
    const { body: customer } = await client.request<{ id: string }>({ method: 'POST', path: '/v1/customers', params: { email: 'wh@example.com' } });
    await subscribed('wh-theirs', 'new_charge', { delivery: 'webhook+poll', customer: customer.id });
    await subscribed('wh-polled', 'new_charge', {});
    const other = await charge();
    await client.request({ method: 'POST', path: `/v1/customers/${customer.id}`, params: { source: 'tok_visa' } });
    const theirs = await charge({ customer: customer.id, source: undefined });
    await receive(await eventAbout('charge.succeeded', other));
    await receive(await eventAbout('charge.succeeded', theirs));
    await waitFor(() => eventsOf('wh-theirs').length === 1, 'the filtered subscription fired');
    expect(eventsOf('wh-theirs')[0]!.object_id).toBe(theirs);
    expect(eventsOf('wh-polled')).toEqual([]);
    expect(await redis.hexists(`${redisServer.prefix}:trg:wh:subs:${REF}`, 'wh-polled')).toBe(0);
  });

  it('switching delivery keeps the cursor (no new baseline) and unsubscribing leaves the index', async () => {
    await subscribed('wh-switch', 'new_customer', {});
    const before = await service.status('wh-switch');
    await service.subscribe({ id: 'wh-switch', trigger: 'new_customer', options: { delivery: 'webhook+poll' } });
    const after = await service.status('wh-switch');
    expect(after!.state.generation).toBe(before!.state.generation);
    expect(after!.state.cursor_id).toBe(before!.state.cursor_id);
    expect(after!.webhook_ref).toBe(REF);
    expect(await service.webhookSubscriptions.interestedIn(REF, 'customer.created')).toContain('wh-switch');
    await service.unsubscribe('wh-switch');
    expect(await service.webhookSubscriptions.interestedIn(REF, 'customer.created')).not.toContain('wh-switch');
  });

  it('refuses delivery on a trigger that cannot be instant, naming the field', async () => {
    await expect(service.subscribe({ id: 'wh-sessions', trigger: 'new_checkout_session', options: { delivery: 'webhook+poll' } })).rejects.toThrow(/delivery/);
  });
});
