import { z } from 'zod';
import { connectionSchema } from '../schemas/connection';
import { listActions } from './registry';
import { listTriggers } from '../triggers/definitions';
import { actionHints, type ActionHints } from './hints';
import type { Output } from '../schemas/objects/define';
import { CONNECTOR_NAME, CONNECTOR_VERSION, STRIPE_API_VERSION } from './version';

/**
 * A zod schema as JSON Schema. Inputs use the input view (a host renders a form from it: fields with
 * defaults are not required); outputs the output view (what the action hands to the next step).
 */
export function toJsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): Record<string, unknown> {
  return z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
}

export interface ManifestAction {
  key: string;
  title: string;
  description: string;
  group: string;
  method: string;
  path: string;
  /** What calling it does: MCP's readOnlyHint, destructiveHint and idempotentHint come from these. */
  hints: ActionHints;
  input: Record<string, unknown>;
  /** JSON Schema of what it returns. */
  output: Record<string, unknown>;
  /** A realistic result, as Stripe returns it. */
  sample: unknown;
}

export interface ManifestTrigger {
  key: string;
  title: string;
  description: string;
  /** Always 'polling': the connector polls Stripe on a schedule (no webhook endpoint needed). */
  type: 'polling';
  /** 'list': new objects of a list endpoint; 'events': new events of GET /v1/events. */
  source: 'list' | 'events';
  method: 'GET';
  path: string;
  /** The event types an `events` trigger watches by default. */
  event_types?: string[];
  options: Record<string, unknown>;
  /** JSON Schema of one event as the flow receives it. */
  output: Record<string, unknown>;
  /** One event as the flow receives it. */
  sample: unknown;
}

export interface Manifest {
  /** 2: actions and triggers carry `output` and `sample` (triggers' `sample_output` is now `sample`). */
  manifest_version: 2;
  name: string;
  display_name: string;
  version: string;
  description: string;
  stripe_api_version: string;
  connection: {
    schema: Record<string, unknown>;
    secret_fields: string[];
    test: { method: 'GET'; path: string; description: string };
  };
  actions: ManifestAction[];
  triggers: ManifestTrigger[];
}

/** Everything a flow builder needs to render and call the connector, derived from the code alone. */
export function buildManifest(): Manifest {
  return {
    manifest_version: 2,
    name: CONNECTOR_NAME,
    display_name: 'Stripe',
    version: CONNECTOR_VERSION,
    description:
      `Stripe for flows: ${listActions().length} actions over payments, billing, catalog and Connect (idempotent creates, retries, paging, Connect accounts) and polling triggers that emit each new object exactly once.`,
    stripe_api_version: STRIPE_API_VERSION,
    connection: {
      schema: toJsonSchema(connectionSchema),
      secret_fields: ['secret_key'],
      test: {
        method: 'GET',
        path: '/v1/balance',
        description: 'Retrieves the balance: read-only, cheap, and proves the key, its mode and the connected account.',
      },
    },
    actions: listActions().map((action) => ({
      key: action.key,
      title: action.title,
      description: action.description,
      group: action.group,
      method: action.method,
      path: action.path,
      hints: actionHints(action),
      input: toJsonSchema(action.input),
      ...outputFields(action.output),
    })),
    triggers: listTriggers().map((trigger) => ({
      key: trigger.key,
      title: trigger.title,
      description: trigger.description,
      type: 'polling' as const,
      source: trigger.kind,
      method: 'GET' as const,
      path: trigger.path,
      ...(trigger.eventTypes ? { event_types: [...trigger.eventTypes] } : {}),
      options: toJsonSchema(trigger.options),
      ...outputFields(trigger.output),
    })),
  };
}

function outputFields(output: Output): { output: Record<string, unknown>; sample: unknown } {
  return { output: toJsonSchema(output.schema, 'output'), sample: output.sample };
}

/** The committed file's exact text: stable key order, two-space indent, trailing newline. */
export function renderManifest(manifest: Manifest = buildManifest()): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
