/**
 * The trigger definitions, loaded on first use: they build zod schemas for every trigger's options and
 * output, which a host that only runs actions should not pay for at import.
 */
import type * as Definitions from './definitions';
import type { TriggerDefinition } from './definitions';

let definitions: typeof Definitions | undefined;

function load(): typeof Definitions {
  definitions ??= require('./definitions') as typeof Definitions;
  return definitions;
}

export function listTriggers(): readonly TriggerDefinition[] {
  return load().listTriggers();
}

/** The trigger named `key`; throws for an unknown key. */
export function getTrigger(key: string): TriggerDefinition {
  return load().getTrigger(key);
}

export function hasTrigger(key: string): boolean {
  return load().hasTrigger(key);
}

/** The Stripe list params a subscription's options turn into (filters only; paging is the poller's). */
export function listParams(trigger: TriggerDefinition, options: Record<string, unknown>): Record<string, unknown> {
  return load().listParams(trigger, options);
}

/** A subscription's options, checked against the trigger's schema; the error names each field. */
export function parseTriggerOptions(trigger: TriggerDefinition, options: unknown): Record<string, any> {
  const parsed = trigger.options.safeParse(options ?? {});
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; ');
    throw new Error(`invalid options for ${trigger.key}: ${detail}`);
  }
  return parsed.data as Record<string, any>;
}
