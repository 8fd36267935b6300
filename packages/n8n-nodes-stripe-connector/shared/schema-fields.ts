/**
 * The manifest's JSON Schemas as n8n node properties: one generator for the action node's fields and
 * the trigger's options, so a new action or option appears in n8n with no code here.
 */
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { loadManifest, type Manifest } from 'stripe-connector';

export type JsonSchema = Record<string, any>;

export interface Lookup {
  action: string;
  value: string;
  label: string;
}

let manifest: Manifest | undefined;
export function stripeManifest(): Manifest {
  return (manifest ??= loadManifest());
}

/** `{ "$ref": "#/$defs/x" }` resolved against the manifest's `$defs` (one level is all the manifest uses at a field). */
export function resolveSchema(schema: JsonSchema): JsonSchema {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  const name = ref.replace('#/$defs/', '');
  const target = (stripeManifest().$defs as Record<string, JsonSchema>)[name];
  if (!target) return schema;
  const { $ref: _ref, ...rest } = schema;
  return resolveSchema({ ...target, ...rest });
}

export function humanize(key: string): string {
  return key
    .split('_')
    .map((w) => (w.length > 0 ? w[0]!.toUpperCase() + w.slice(1) : w))
    .join(' ');
}

/** The loadOptions method that lists one lookup action's objects. */
export function lookupMethodName(lookup: Lookup): string {
  return `lookup__${lookup.action}__${lookup.value}__${lookup.label}`;
}

/** Every lookup the manifest declares on an input or option field, once each. */
export function manifestLookups(): Lookup[] {
  const found = new Map<string, Lookup>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== 'object') return;
    const lookup = (node as JsonSchema)['x-lookup'] as Lookup | undefined;
    if (lookup) found.set(lookupMethodName(lookup), lookup);
    Object.values(node).forEach(walk);
  };
  const m = stripeManifest();
  walk(m.actions.map((a) => a.input));
  walk(m.triggers.map((t) => t.options));
  walk(m.$defs);
  return [...found.values()];
}

/** True when n8n holds this field's value as JSON text (objects, arrays, anything not a scalar). */
export function isJsonField(schema: JsonSchema): boolean {
  const s = resolveSchema(schema);
  return !(['string', 'integer', 'number', 'boolean'].includes(s.type) || Array.isArray(s.enum));
}

/** One schema field as an n8n property (without displayOptions, which the caller adds). */
export function fieldProperty(name: string, rawSchema: JsonSchema, required: boolean): INodeProperties {
  const schema = resolveSchema(rawSchema);
  const lookup = schema['x-lookup'] as Lookup | undefined;
  const base = {
    displayName: schema.title ?? humanize(name),
    name,
    description: schema.description,
    required,
  };
  if (lookup) {
    return { ...base, type: 'options', typeOptions: { loadOptionsMethod: lookupMethodName(lookup) }, default: '' };
  }
  if (Array.isArray(schema.enum)) {
    const options: INodePropertyOptions[] = schema.enum.map((v: string | number) => ({ name: String(v), value: v }));
    return { ...base, type: 'options', options, default: schema.default ?? (required ? (schema.enum[0] as string) : '') };
  }
  switch (schema.type) {
    case 'string':
      return { ...base, type: 'string', default: schema.default ?? '' };
    case 'integer':
    case 'number':
      return {
        ...base,
        type: 'number',
        default: schema.default ?? 0,
        typeOptions: { minValue: schema.minimum, maxValue: schema.maximum, numberPrecision: schema.type === 'integer' ? 0 : undefined },
      };
    case 'boolean':
      return { ...base, type: 'boolean', default: schema.default ?? false };
    default:
      // Objects, arrays and unions (address, metadata, line items...): n8n's fields do not nest
      // deeply, so these are JSON text, checked by the connector's schema like any other input.
      return { ...base, type: 'json', default: schema.default === undefined ? '' : JSON.stringify(schema.default) };
  }
}

/**
 * n8n values of one form back to the schema's input: empty optional fields dropped (n8n always sends
 * defaults), JSON fields parsed. A JSON field that does not parse throws naming the field.
 */
export function inputFromValues(properties: Record<string, JsonSchema>, values: Record<string, unknown>, required: ReadonlySet<string>): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    const schema = properties[name];
    if (!schema) continue;
    if (!required.has(name) && (value === '' || value === undefined || value === null)) continue;
    if (isJsonField(schema) && typeof value === 'string') {
      try {
        input[name] = JSON.parse(value);
      } catch {
        throw new FieldValueError(name, 'is not valid JSON');
      }
    } else input[name] = value;
  }
  return input;
}

export class FieldValueError extends Error {
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}
