import type { z } from 'zod';
import type { ActionDefinition } from '../actions/define';
import { CONNECTOR_NAME, CONNECTOR_VERSION, STRIPE_API_VERSION } from '../client/version';
import type { Output } from '../schemas/objects/define';
import type { FieldRule } from '../schemas/rules';
import { listTriggers } from '../triggers/catalogue';
import type { TriggerDefinition } from '../triggers/definitions';
import { formSchema } from './forms';
import { actionHints, type ActionHints } from './hints';
import { cleanSchema, DefinitionIndex, shareRepeatedFragments, standaloneSchema, type JsonSchema, type SchemaDefs, type StandaloneOptions } from './json-schema';
import { listActions } from './registry';

/**
 * A zod schema as JSON Schema. Inputs use the input view (a host renders a form from it: fields with
 * defaults are not required); outputs the output view (what the action hands to the next step).
 */
export function toJsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): Record<string, unknown> {
  // zod is loaded by whoever built the schema; required here, not at import, so the entry point stays light.
  const { z } = require('zod') as typeof import('zod');
  return cleanSchema(z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema);
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
  /** Always 'polling': the connector polls Stripe on a schedule (no webhook endpoint needed); see `instant_events`. */
  type: 'polling';
  /** 'list': new objects of a list endpoint; 'events': new events of GET /v1/events. */
  source: 'list' | 'events';
  method: 'GET';
  path: string;
  /** The event types an `events` trigger watches by default. */
  event_types?: string[];
  /**
   * Present when the trigger can be instant: with option `delivery: "webhook+poll"` these Stripe
   * events fire it within seconds (`*`: every event), and the poll stays as the backstop.
   */
  instant_events?: string[];
  options: Record<string, unknown>;
  /** JSON Schema of one event as the flow receives it. */
  output: Record<string, unknown>;
  /** One event as the flow receives it. */
  sample: unknown;
}

export interface Manifest {
  /**
   * 3: output schemas refer to one definition per Stripe object type in `$defs` (`{"$ref":
   * "#/$defs/charge"}`, JSON Schema 2020-12, resolved from the manifest's root); input fields carry
   * titles, lookups and the field rules as JSON Schema. 2 added `output` and `sample`.
   */
  manifest_version: 3;
  /** The JSON Schema dialect of every schema in the manifest. */
  json_schema_dialect: string;
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
  /** One schema per Stripe object type (`charge`, `checkout.session`...), referenced from actions and triggers. */
  $defs: SchemaDefs;
}

/** Everything a flow builder needs to render and call the connector, derived from the code alone. */
export function buildManifest(): Manifest {
  const { connectionSchema } = require('../schemas/connection') as typeof import('../schemas/connection');
  const actionEntries = listActions().map(manifestAction);
  const triggerEntries = listTriggers().map(manifestTrigger);
  // Loading the actions and triggers declared every object type they use.
  const objectTypes = new DefinitionIndex(objectTypeDefinitions());
  const roots = [
    ...actionEntries.flatMap((entry) => [entry.input, objectTypes.referTo(entry.output)]),
    ...triggerEntries.flatMap((entry) => [entry.options, objectTypes.referTo(entry.output)]),
  ];
  const shared = shareRepeatedFragments(roots, objectTypes.referencedDefs());
  let next = 0;
  const take = () => shared.roots[next++] as JsonSchema;
  const actions = actionEntries.map((entry) => ({ ...entry, input: take(), output: take() }));
  const triggers = triggerEntries.map((entry) => ({ ...entry, options: take(), output: take() }));
  return {
    manifest_version: 3,
    json_schema_dialect: JSON_SCHEMA_DIALECT,
    name: CONNECTOR_NAME,
    display_name: 'Stripe',
    version: CONNECTOR_VERSION,
    description:
      `Stripe for flows: ${listActions().length} actions over payments, billing, catalog and Connect (idempotent creates, retries, paging, Connect accounts) and polling triggers that emit each new object exactly once.`,
    stripe_api_version: STRIPE_API_VERSION,
    connection: {
      schema: formSchema(toJsonSchema(connectionSchema)),
      secret_fields: ['secret_key'],
      test: {
        method: 'GET',
        path: '/v1/balance',
        description: 'Retrieves the balance: read-only, cheap, and proves the key, its mode and the connected account.',
      },
    },
    actions,
    triggers,
    $defs: Object.fromEntries(Object.entries(shared.defs).sort(([a], [b]) => a.localeCompare(b))),
  };
}

export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

/** Every declared object type's schema (all are declared once the actions and triggers are loaded). */
function objectTypeDefinitions(): SchemaDefs {
  const { declaredObjectTypes } = require('../schemas/objects/define') as typeof import('../schemas/objects/define');
  const types = declaredObjectTypes().sort((a, b) => a.object.localeCompare(b.object));
  return Object.fromEntries(types.map((type) => [type.object, toJsonSchema(type.schema, 'output')]));
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
    input: formSchema(toJsonSchema(action.input), action.rules),
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
    ...(trigger.webhookEvents ? { instant_events: [...trigger.webhookEvents] } : {}),
    options: formSchema(toJsonSchema(trigger.options)),
    ...outputFields(trigger.output),
  };
}

function outputFields(output: Output): { output: Record<string, unknown>; sample: unknown } {
  return { output: toJsonSchema(output.schema, 'output'), sample: output.sample };
}

let shipped: Manifest | undefined;

/**
 * The generated `manifest.json` the package ships (what `buildManifest()` returns, read instead of
 * built: building compiles every schema and takes about 1.5 s). Falls back to building it when the
 * file is missing (a source checkout before `npm run manifest`).
 */
export function loadManifest(): Manifest {
  if (shipped) return shipped;
  const { existsSync, readFileSync } = require('node:fs') as typeof import('node:fs');
  const { resolve } = require('node:path') as typeof import('node:path');
  // connector/ in a source checkout, dist/connector/ in the package: the file sits at the package root.
  for (const file of [resolve(__dirname, '..', 'manifest.json'), resolve(__dirname, '..', '..', 'manifest.json')]) {
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
    if (manifest.name === CONNECTOR_NAME && manifest.manifest_version === 3) return (shipped = manifest);
  }
  return (shipped = buildManifest());
}

/**
 * One action's input and output schemas standing alone (no `$ref` into the manifest's `$defs`), for
 * a host or a tool that must hand a single schema on. `inline` replaces every reference with its
 * definition; `bundle` keeps them and carries the definitions they reach.
 */
export function actionSchemas(key: string, options: StandaloneOptions & { manifest?: Manifest } = {}): { input: JsonSchema; output: JsonSchema } {
  const manifest = options.manifest ?? loadManifest();
  const action = manifest.actions.find((entry) => entry.key === key);
  if (!action) throw new Error(`no action named ${key} in the manifest`);
  return {
    input: standaloneSchema(action.input, manifest.$defs, { mode: options.mode ?? 'inline' }),
    output: standaloneSchema(action.output, manifest.$defs, { mode: options.mode ?? 'inline' }),
  };
}

/** The committed file's exact text: stable key order, two-space indent, trailing newline. */
export function renderManifest(manifest: Manifest = buildManifest()): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
