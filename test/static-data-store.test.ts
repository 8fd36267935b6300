/**
 * The poll logic over a plain JSON state (n8n's static data), no Redis: pollOnce runs the same Poller
 * against the emulator over real HTTP, the state going through JSON between polls as a host saves it.
 */
import type { StripeClient } from '../client/client';
import { pollOnce } from '../triggers/poll-once';
import type { TriggerEvent } from '../triggers/sink';
import { emptyStaticPollState } from '../triggers/static-data-store';
import { clientFor, startTestEmulator, type Emulator } from './support/harness';
import { createCharges, expectExactlyOnce } from './support/triggers';
import type { SameSecondOrder } from '../emulator/types';

/** A host's save and load: the state crosses JSON, as n8n stores static data. */
class Host {
  saved: unknown = undefined;
  requests = 0;
  constructor(
    private readonly client: StripeClient,
    private readonly options: Record<string, unknown> = {},
  ) {}
  async poll(): Promise<TriggerEvent[]> {
    const { events, state } = await pollOnce({ trigger: 'new_charge', options: this.options, client: this.client, state: this.saved });
    this.saved = JSON.parse(JSON.stringify(state));
    return events;
  }
}

describe.each<[SameSecondOrder]>([['newest_first'], ['oldest_first']])('pollOnce over static data, same-second order %s', (order) => {
  let emulator: Emulator;
  let client: StripeClient;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    client = clientFor(emulator);
  });
  afterAll(async () => {
    await emulator.close();
  });
  beforeEach(() => {
    emulator.reset();
    emulator.setSameSecondOrder(order);
  });

  it('baselines, then emits 3 new charges once, then nothing', async () => {
    await createCharges(client, 4);
    const host = new Host(client);
    expect(await host.poll()).toEqual([]);
    expect(host.saved).toMatchObject({ baselined: true, cursor_id: expect.stringMatching(/^ch_/) });
    const created = await createCharges(client, 3);
    const events = await host.poll();
    expectExactlyOnce(events, created);
    expect(events[0]).toMatchObject({ trigger: 'new_charge', livemode: false });
    expect(await host.poll()).toEqual([]);
    expect(host.saved).toMatchObject({ events_emitted: 3 });
  });

  it("emits objects created in the cursor's own second once", async () => {
    emulator.clock.set(emulator.clock.now());
    await createCharges(client, 4);
    const host = new Host(client);
    expect(await host.poll()).toEqual([]);
    const a = await createCharges(client, 5);
    expectExactlyOnce(await host.poll(), a);
    const b = await createCharges(client, 3);
    emulator.clock.advance(1);
    const c = await createCharges(client, 2);
    expectExactlyOnce(await host.poll(), [...b, ...c]);
    expect(await host.poll()).toEqual([]);
  });

  it('emits a late arrival (older created, inside the look-back) once', async () => {
    const t = emulator.clock.now();
    emulator.clock.set(t);
    await createCharges(client, 2);
    const host = new Host(client, { lookback_seconds: 60 });
    await host.poll();
    emulator.clock.set(t + 30);
    const onTime = await createCharges(client, 3);
    expectExactlyOnce(await host.poll(), onTime);
    emulator.clock.set(t + 10);
    const late = await createCharges(client, 2);
    emulator.clock.set(t + 31);
    const after = await createCharges(client, 1);
    expect((await host.poll()).map((e) => e.object_id).sort()).toEqual([...late, ...after].sort());
    expect(await host.poll()).toEqual([]);
  });

  it('forgets seen ids below the look-back floor (the saved state stays small)', async () => {
    const t = emulator.clock.now();
    emulator.clock.set(t);
    await createCharges(client, 1);
    const host = new Host(client, { lookback_seconds: 60 });
    await host.poll();
    await createCharges(client, 5);
    await host.poll();
    emulator.clock.set(t + 600);
    const later = await createCharges(client, 1);
    expectExactlyOnce(await host.poll(), later);
    expect(Object.keys((host.saved as { seen: object }).seen)).toEqual(later);
  });
});

describe('pollOnce state handling', () => {
  let emulator: Emulator;
  let client: StripeClient;
  beforeAll(async () => {
    emulator = await startTestEmulator();
    client = clientFor(emulator);
  });
  afterAll(async () => {
    await emulator.close();
  });

  it("leaves the caller's state untouched when a poll fails (nothing delivered, nothing recorded), and the next poll emits what it missed", async () => {
    const host = new Host(client);
    await host.poll();
    const before = JSON.stringify(host.saved);
    await createCharges(client, 2);
    emulator.inject({ kind: 'status', status: 400, count: 1, match: { method: 'GET', path: '/v1/charges' } });
    await expect(pollOnce({ trigger: 'new_charge', client, state: host.saved })).rejects.toMatchObject({ statusCode: 400 });
    expect(JSON.stringify(host.saved)).toBe(before);
    expect(await host.poll()).toHaveLength(2);
  });

  it('starts over with a baseline when the options change, and refuses invalid options naming the field', async () => {
    const host = new Host(client);
    await host.poll();
    const saved = host.saved;
    const { state } = await pollOnce({ trigger: 'new_charge', options: { status: 'failed' }, client, state: saved });
    expect(state.generation).not.toBe((saved as { generation: string }).generation);
    await expect(pollOnce({ trigger: 'new_charge', options: { lookback_seconds: 'soon' }, client })).rejects.toThrow(/lookback_seconds/);
    expect(emptyStaticPollState('x')).toMatchObject({ baselined: false, version: 0, seen: {} });
  });
});
