/**
 * `events failed` and `events retry`: the events whose delivery gave up (attempts used up, or
 * interrupted too many times), and queueing them again (triggers/failed-events.ts).
 */
import type { FailedEvent } from '../../triggers/failed-events';
import { assertSubscriptionId } from '../../triggers/keys';
import type { CommandHandler } from './commands';
import { inputError } from './input';
import { table } from './terminal';
import { serviceFor, withRedis, writeRecord } from './triggers';

function subscriptionOption(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  try {
    assertSubscriptionId(String(value));
  } catch (error) {
    throw inputError('subscription', (error as Error).message);
  }
  return String(value);
}

function failedLine(event: FailedEvent): Record<string, unknown> {
  const { event: _payload, ...line } = event;
  return line;
}

export const eventsCommand: CommandHandler = async ({ positionals, values }, { term }) => {
  const [action, ...ids] = positionals;
  const subscription = subscriptionOption(values.subscription);
  if (action !== 'failed' && action !== 'retry') throw inputError('action', `expected failed or retry, got ${JSON.stringify(action)}`);
  if (action === 'failed' && ids.length > 0) throw inputError('id', 'events failed takes no ids (use --subscription)');
  if (action === 'retry' && ids.length === 0 && values.all !== true) throw inputError('id', 'give the event ids to retry, or --all (with --subscription: that subscription\'s)');
  if (action === 'retry' && ids.length > 0 && values.all === true) throw inputError('all', 'give ids or --all, not both');
  let limit: number | undefined;
  if (values.limit !== undefined) {
    if (!/^\d+$/.test(String(values.limit)) || Number(values.limit) < 1 || Number(values.limit) > 100_000) throw inputError('limit', 'expected a whole number from 1 to 100000');
    limit = Number(values.limit);
  }
  return withRedis(async (redis, keys) => {
    const service = serviceFor(redis, keys);
    const failed = service.failedEvents();
    try {
      if (action === 'failed') {
        const events = await failed.list({ subscription, limit });
        if (term.json) {
          for (const event of events) await writeRecord(term, failedLine(event));
        } else if (events.length === 0) {
          process.stdout.write('no failed events\n');
        } else {
          process.stdout.write(
            table(
              events.map((e) => [e.id, e.trigger, String(e.failed_at ?? '-'), String(e.attempts_made), String(e.stalls), e.failed_reason]),
              ['ID', 'TRIGGER', 'FAILED AT', 'ATTEMPTS', 'STALLS', 'REASON'],
              term.color,
            ),
          );
        }
        return 0;
      }
      const results = values.all === true ? await failed.retryAll({ subscription }) : await failed.retry(ids);
      for (const result of results) await writeRecord(term, result);
      return results.every((r) => r.outcome === 'retried') ? 0 : 1;
    } finally {
      await service.close();
    }
  });
};
