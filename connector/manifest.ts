import type { z } from 'zod';
import type { ActionDefinition } from '../actions/define';
import { CONNECTOR_NAME, CONNECTOR_VERSION, STRIPE_API_VERSION } from '../client/version';
import type { Output } from '../schemas/objects/define';
import type { FieldRule } from '../schemas/rules';
import { listTriggers } from '../triggers/catalogue';
import type { TriggerDefinition } from '../triggers/definitions';
import { actionHints, type ActionHints } from './hints';
import { listActions } from './registry';

/**
 * A zod schema as JSON Schema. Inputs use the input view (a host renders a form from it: fields with
 * defaults are not required); outputs the output view (what the action hands to the next step).
 */
export function toJsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): Record<string, unknown> {
  // zod is loaded by whoever built the schema; required here, not at import, so the entry point stays light.
  const { z } = require('zod') as typeof import('zod');
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
  /** Rules between input fields (exactly one of, at least one of, not both, needs) that JSON Schema's form view does not show. */
  rules?: readonly FieldRule[];
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
  const { connectionSchema } = require('../schemas/connection') as typeof import('../schemas/connection');
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
    actions: listActions().map(manifestAction),
    triggers: listTriggers().map(manifestTrigger),
  };
}

/** One action as the manifest describes it. */
export function manifestAction(action: ActionDefinition): ManifestAction {
  return {
    key: action.key,
    title: action.title,
    description: action.description,
    group: action.group,
    method: action.method,
    path: action.path,
    hints: actionHints(action),
    input: toJsonSchema(action.input),
    ...(action.rules?.length ? { rules: action.rules } : {}),
    ...outputFields(action.output),
  };
}

/** One trigger as the manifest describes it. */
export function manifestTrigger(trigger: TriggerDefinition): ManifestTrigger {
  return {
    key: trigger.key,
    title: trigger.title,
    description: trigger.description,
    type: 'polling',
    source: trigger.kind,
    method: 'GET',
    path: trigger.path,
    ...(trigger.eventTypes ? { event_types: [...trigger.eventTypes] } : {}),
    options: toJsonSchema(trigger.options),
    ...outputFields(trigger.output),
  };
}

function outputFields(output: Output): { output: Record<string, unknown>; sample: unknown } {
  return { output: toJsonSchema(output.schema, 'output'), sample: output.sample };
}

/** The committed file's exact text: stable key order, two-space indent, trailing newline. */
export function renderManifest(manifest: Manifest = buildManifest()): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
