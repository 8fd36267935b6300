/**
 * One poll of one trigger whose state the host keeps (n8n's workflow static data): the same Poller as
 * TriggerService (baseline, probe, look-back sweep, seen record, emit-then-commit) over a
 * StaticDataStore. All or nothing: the poll works on a copy of the state, so a poll that fails half
 * way leaves the caller's state as it was and returns no events (none were delivered: they were only
 * collected), and the next poll finds the same objects again.
 *
 * Exactly once then rests on the host: it must save the returned state together with handing the
 * events on (n8n saves the static data when the poll's items are emitted). If it saves the state but
 * loses the events, they are lost; if it delivers the events but loses the state, they come again.
 */
import { createHash } from 'node:crypto';
import type { StripeClient } from '../client/client';
import type { Logger } from '../client/logger';
import { getTrigger, parseTriggerOptions } from './catalogue';
import { Poller, type PollResult } from './poller';
import { CollectingSink, type TriggerEvent } from './sink';
import { StaticDataStore, staticPollStateFor, type StaticPollState } from './static-data-store';

export interface PollOnceInput {
  /** Trigger key (new_charge, ...). */
  trigger: string;
  /** The trigger's options (validated here: an invalid one throws naming the field, before any request). */
  options?: Record<string, unknown>;
  client: StripeClient;
  /** What the previous poll returned as `state` (undefined or anything else on the first poll). */
  state?: unknown;
  /** Names the events' `subscription_id`. Default `static`. */
  subscriptionId?: string;
  logger?: Logger;
}

export interface PollOnceOutput {
  events: TriggerEvent[];
  /** Save this (JSON) and pass it to the next poll. */
  state: StaticPollState;
  result: PollResult;
}

/** A lock nobody else can take: the host runs one poll of a subscription at a time. */
const HOST_HELD_LOCK = { token: 'host', lost: false } as const;

export async function pollOnce(input: PollOnceInput): Promise<PollOnceOutput> {
  const trigger = getTrigger(input.trigger);
  const options = parseTriggerOptions(trigger, input.options);
  const subject = createHash('sha256').update(JSON.stringify([trigger.key, options])).digest('hex').slice(0, 16);
  // A JSON copy, not structuredClone: a host may hand its saved state back wrapped (n8n's static data
  // comes out of its database as Proxies, which structuredClone refuses), and the state is JSON anyway.
  const working: StaticPollState = JSON.parse(JSON.stringify(staticPollStateFor(input.state, subject)));
  const store = new StaticDataStore(working);
  const sink = new CollectingSink();
  const id = input.subscriptionId ?? 'static';
  const subscription = { id, trigger: trigger.key, options, connection_ref: 'host', every_ms: 0, created_at: '' };
  const poller = new Poller({ store, client: input.client, sink, logger: input.logger }, subscription, trigger, HOST_HELD_LOCK);
  const result = await poller.run();
  return { events: sink.events, state: working, result };
}
