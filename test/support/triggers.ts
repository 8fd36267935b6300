/**
 * Helpers the trigger test files share: creating charges, the exactly-once check of emitted events,
 * waiting for a condition (optionally poking something meanwhile), and a free TCP port.
 */
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StripeClient } from '../../client/client';
import type { TriggerEvent } from '../../triggers/sink';

export interface CreateChargesOptions {
  /** Requests in flight at once. Default 1 (ids in creation order). */
  concurrency?: number;
  /** Amount of the first charge (cents); each next one adds 1. Default 500. */
  amountFrom?: number;
}

/** Creates `n` card charges; returns their ids by index. */
export async function createCharges(client: StripeClient, n: number, options: CreateChargesOptions = {}): Promise<string[]> {
  const amountFrom = options.amountFrom ?? 500;
  const ids: string[] = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(Math.max(1, options.concurrency ?? 1), n) }, async () => {
      for (let i = next++; i < n; i = next++) {
        const { body } = await client.request<{ id: string }>({ method: 'POST', path: '/v1/charges', params: { amount: amountFrom + i, currency: 'usd', source: 'tok_visa' } });
        ids[i] = body.id;
      }
    }),
  );
  return ids;
}

export interface WaitForOptions {
  /** Default 30 000 ms. */
  timeoutMs?: number;
  /** Between checks. Default 50 ms. */
  intervalMs?: number;
  /** Called between checks (e.g. to ask for another poll); its failures are ignored. */
  poke?: () => Promise<unknown>;
}

/** Resolves once `done()` holds; throws naming `what` after the timeout. */
export async function waitFor(done: () => boolean | Promise<boolean>, what: string, options: WaitForOptions = {}): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await options.poke?.().catch(() => undefined);
    await sleep(options.intervalMs ?? 50);
  }
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** Exactly once and oldest first: the emitted ids are the expected ids, no duplicates, `created` never goes down. */
export function expectExactlyOnce(events: TriggerEvent[], expected: string[]): void {
  const ids = events.map((e) => e.object_id);
  expect(new Set(ids).size).toBe(ids.length);
  expect([...ids].sort()).toEqual([...expected].sort());
  const created = events.map((e) => e.object.created as number);
  for (let i = 1; i < created.length; i++) expect(created[i]).toBeGreaterThanOrEqual(created[i - 1]!);
}
