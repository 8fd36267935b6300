import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { startEmulator } from '../emulator';
import type { Emulator } from '../emulator/types';
import { TriggerService } from '../triggers/service';
import type { TriggerEvent } from '../triggers/sink';
import { createTriggerWorker } from '../triggers/worker';
import { formatAmount } from '../schemas/currency';
import { demoRedis } from './redis';

/**
 * The main job: start the Stripe emulator, drive the connector's CLI exactly as a user would (a
 * separate process, the key from the environment), then the polling triggers: Redis (REDIS_URL, or
 * a redis-server of our own on a free port), a worker, subscriptions to new_charge and new_refund,
 * charges and refunds created through actions, and the events printed as they fire.
 */

const execFileAsync = promisify(execFile);
const CLI = join(__dirname, '..', 'connector', 'cli', 'main.js');
const DEMO_KEY = 'sk_test_demoKeyForTheLocalEmulator42';

async function main(): Promise<void> {
  const emulator = await startEmulator();
  const env = { ...process.env, STRIPE_SECRET_KEY: DEMO_KEY, STRIPE_API_BASE: emulator.url };
  console.log(`Stripe emulator listening on ${emulator.url}\n`);

  async function step(action: string, input: Record<string, unknown>): Promise<any> {
    const shown = JSON.stringify(input);
    console.log(`$ stripe-connector run ${action} --input '${shown}'`);
    try {
      const { stdout } = await execFileAsync(process.execPath, [CLI, 'run', action, '--input', shown], { env });
      const result = JSON.parse(stdout);
      console.log(summarise(result), '\n');
      return result;
    } catch (error) {
      const { code, stderr } = error as { code: number; stderr: string };
      console.log(`exit ${code}: ${stderr.trim()}\n`);
      return undefined;
    }
  }

  try {
    const customer = await step('create_customer', { email: 'jane@example.com', name: 'Jane Doe', source: 'tok_visa', metadata: { plan: 'pro' } });
    const charge = await step('create_charge', { amount: 4200, currency: 'usd', customer: customer.id, capture: false, description: 'Order 1001' });
    await step('capture_charge', { charge_id: charge.id, amount: 4000 });
    await step('create_charge', { amount: 1500, currency: 'jpy', source: 'tok_mastercard' });
    await step('create_charge', { amount: 999, currency: 'usd', source: 'tok_chargeDeclined' });
    await step('list_charges', { customer: customer.id, limit: 5 });
    await step('retrieve_balance', {});
    await step('create_customer', { email: 5 });
    console.log(`The emulator saw ${emulator.requests.length} API requests; it holds ${emulator.objects('customer').length} customer(s) and ${emulator.objects('charge').length} charge(s).\n`);
    await triggersDemo(emulator, step);
  } finally {
    await emulator.close();
  }
}

async function triggersDemo(emulator: Emulator, step: (action: string, input: Record<string, unknown>) => Promise<any>): Promise<void> {
  const redisServer = await demoRedis();
  const prefix = `{stripe-connector-demo-${process.pid}}`;
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  const service = new TriggerService({ redis, prefix });
  const fired: TriggerEvent[] = [];
  const worker = createTriggerWorker({
    connection: redisServer.url,
    prefix,
    // The host's credential resolver: Redis only ever holds the reference 'demo'.
    resolveCredentials: () => ({ secret_key: DEMO_KEY }),
    clientOptions: { apiBase: emulator.url },
    onEvent: (event) => {
      fired.push(event);
      const o = event.object as Record<string, any>;
      console.log(`  event ${event.trigger} ${event.object_id} ${formatAmount(o.amount, o.currency)} ${o.currency.toUpperCase()} ${o.status}${o.charge ? ` (charge ${o.charge})` : ''}`);
    },
  });
  try {
    console.log(`Redis at ${redisServer.url}; subscribing (each poll every minute, spread across the minute):`);
    for (const [id, trigger] of [['demo-charges', 'new_charge'], ['demo-refunds', 'new_refund']] as const) {
      await service.subscribe({ id, trigger, options: { every: '1m' }, connection_ref: 'demo' });
      console.log(`  ${id}: ${trigger}`);
    }
    // The first poll of each takes a baseline: what exists already is not news.
    for (let i = 0; i < 200; i++) {
      const states = await Promise.all(['demo-charges', 'demo-refunds'].map((id) => service.status(id)));
      if (states.every((s) => s?.state.baselined)) break;
      await sleep(50);
    }
    console.log('Baselines taken; now new charges and refunds:\n');
    const a = await step('create_charge', { amount: 2500, currency: 'usd', source: 'tok_visa', description: 'Order 2001' });
    const b = await step('create_charge', { amount: 1200, currency: 'eur', source: 'tok_mastercard', description: 'Order 2002' });
    const r1 = await step('create_refund', { charge: a.id, amount: 500 });
    const r2 = await step('create_refund', { charge: b.id });
    const c = await step('create_charge', { amount: 800, currency: 'usd', source: 'tok_visa', description: 'Order 2003' });
    const created = [a.id, b.id, c.id, r1.id, r2.id].sort();
    console.log('Asking the worker to poll now (the schedule would within the minute):');
    const expected = 5;
    for (let i = 0; i < 100 && fired.length < expected; i++) {
      if (i % 20 === 0) for (const id of ['demo-charges', 'demo-refunds']) await service.requestPoll(id);
      await sleep(100);
    }
    await service.requestPoll('demo-charges');
    await sleep(500);
    const firedIds = fired.map((event) => event.object_id).sort();
    const exact = JSON.stringify(firedIds) === JSON.stringify(created);
    console.log(`\n${fired.length} events fired for ${created.length} objects created: ${exact ? 'each once' : `MISMATCH: fired ${firedIds.join(' ')}`}.`);
    if (!exact) process.exitCode = 1;
    for (const info of await service.list()) {
      console.log(`  ${info.id}: status ${info.state.status}, events emitted ${info.state.events_emitted}, cursor ${info.state.cursor_id}`);
    }
    for (const id of ['demo-charges', 'demo-refunds']) await service.unsubscribe(id);
  } finally {
    await worker.close(5_000);
    await service.close();
    await redis.quit();
    await redisServer.stop();
  }
}

/** Enough of each result to follow the story without pages of JSON. */
function summarise(result: any): string {
  if (result?.object === 'list' || Array.isArray(result?.data)) {
    return `{ data: [${result.data.map((o: any) => `${o.id} ${o.amount ?? ''} ${o.status ?? ''}`.trim()).join(', ')}], has_more: ${result.has_more} }`;
  }
  const keys = ['id', 'object', 'email', 'amount', 'amount_captured', 'currency', 'status', 'captured', 'customer', 'default_source', 'available'];
  return JSON.stringify(Object.fromEntries(keys.filter((k) => result?.[k] !== undefined).map((k) => [k, result[k]])));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
