/**
 * The two nodes' forms from the manifest: the action node's resource/operation/fields, the trigger's
 * options, and the loadOptions methods behind every lookup field. Generated here, once.
 */
import type { IDataObject, ILoadOptionsFunctions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { runAction, type ManifestAction } from 'stripe-connector';
import { nodeClient } from './connection';
import { fieldProperty, humanize, lookupMethodName, manifestLookups, stripeManifest, type JsonSchema } from './schema-fields';

/** Fields the form lays out itself (Return All, Limit) rather than as a plain field. */
const PAGING_FIELDS = new Set(['return_all', 'limit']);

export interface ActionForm {
  action: ManifestAction;
  properties: Record<string, JsonSchema>;
  required: Set<string>;
  paged: boolean;
}

let forms: Map<string, ActionForm> | undefined;
export function actionForms(): Map<string, ActionForm> {
  if (forms) return forms;
  forms = new Map();
  for (const action of stripeManifest().actions) {
    const input = action.input as { properties?: Record<string, JsonSchema>; required?: string[] };
    const properties = input.properties ?? {};
    forms.set(action.key, { action, properties, required: new Set(input.required ?? []), paged: 'return_all' in properties });
  }
  return forms;
}

export function actionForm(key: string): ActionForm {
  const form = actionForms().get(key);
  if (!form) throw new Error(`unknown operation ${key}`);
  return form;
}

function describeRule(rule: { kind: string; fields?: string[]; [k: string]: unknown }): string {
  const fields = (rule.fields ?? []).join(', ');
  switch (rule.kind) {
    case 'exactly_one':
      return `Exactly one of: ${fields}.`;
    case 'at_least_one':
      return `At least one of: ${fields}.`;
    case 'at_most_one':
      return `At most one of: ${fields}.`;
    default:
      return `${humanize(rule.kind)}: ${JSON.stringify(Object.fromEntries(Object.entries(rule).filter(([k]) => k !== 'kind')))}`;
  }
}

export function actionNodeProperties(): INodeProperties[] {
  const groups = [...new Set(stripeManifest().actions.map((a) => a.group))];
  const properties: INodeProperties[] = [
    {
      displayName: 'Resource',
      name: 'resource',
      type: 'options',
      noDataExpression: true,
      options: groups.map((g) => ({ name: humanize(g), value: g })),
      default: groups[0]!,
    },
  ];
  for (const group of groups) {
    const actions = [...actionForms().values()].filter((f) => f.action.group === group);
    properties.push({
      displayName: 'Operation',
      name: 'operation',
      type: 'options',
      noDataExpression: true,
      displayOptions: { show: { resource: [group] } },
      options: actions.map(({ action }) => ({ name: action.title, value: action.key, description: action.description, action: action.title })),
      default: actions[0]!.action.key,
    });
  }
  for (const form of actionForms().values()) {
    const show = { show: { resource: [form.action.group], operation: [form.action.key] } };
    const rules = (form.action.rules ?? []) as unknown as Array<{ kind: string; fields?: string[] }>;
    if (rules.length > 0) {
      properties.push({ displayName: rules.map(describeRule).join(' '), name: `rules_${form.action.key}`, type: 'notice', default: '', displayOptions: show });
    }
    const optional: INodeProperties[] = [];
    for (const [name, schema] of Object.entries(form.properties)) {
      if (PAGING_FIELDS.has(name)) continue;
      const required = form.required.has(name);
      const property = fieldProperty(name, schema, required);
      if (required) properties.push({ ...property, displayOptions: show });
      else optional.push({ ...property, required: false });
    }
    if (form.paged) {
      properties.push(
        { displayName: 'Return All', name: 'returnAll', type: 'boolean', default: false, description: 'Whether to return all results or only up to a given limit', displayOptions: show },
        {
          ...fieldProperty('limit', form.properties.limit ?? { type: 'integer', default: 10 }, false),
          displayName: 'Limit',
          description: 'Max number of results to return',
          default: 50,
          typeOptions: { minValue: 1, maxValue: 100 },
          displayOptions: { show: { ...show.show, returnAll: [false] } },
        },
      );
    }
    if (optional.length > 0) {
      optional.sort((a, b) => a.displayName.localeCompare(b.displayName));
      properties.push({ displayName: 'Additional Fields', name: 'additionalFields', type: 'collection', placeholder: 'Add Field', default: {}, displayOptions: show, options: optional });
    }
  }
  return properties;
}

export function triggerNodeProperties(): INodeProperties[] {
  const triggers = stripeManifest().triggers;
  const properties: INodeProperties[] = [
    {
      displayName: 'Trigger',
      name: 'trigger',
      type: 'options',
      noDataExpression: true,
      options: triggers.map((t) => ({ name: t.title, value: t.key, description: t.description })),
      default: triggers[0]!.key,
    },
  ];
  for (const trigger of triggers) {
    const schema = trigger.options as { properties?: Record<string, JsonSchema> };
    // n8n's own Poll Times schedule the polls: the connector's `every` has no say here.
    const options = Object.entries(schema.properties ?? {})
      .filter(([name]) => name !== 'every')
      .map(([name, s]) => ({ ...fieldProperty(name, s, false), required: false }))
      .sort((a, b) => a.displayName.localeCompare(b.displayName));
    if (options.length === 0) continue;
    properties.push({ displayName: 'Options', name: 'options', type: 'collection', placeholder: 'Add Option', default: {}, displayOptions: { show: { trigger: [trigger.key] } }, options });
  }
  return properties;
}

/** The trigger's option schemas by trigger key (for turning the form's values back into options). */
export function triggerOptionSchemas(key: string): Record<string, JsonSchema> {
  const trigger = stripeManifest().triggers.find((t) => t.key === key);
  if (!trigger) throw new Error(`unknown trigger ${key}`);
  return (trigger.options as { properties?: Record<string, JsonSchema> }).properties ?? {};
}

type LoadOptions = (this: ILoadOptionsFunctions) => Promise<INodePropertyOptions[]>;

/** One loadOptions method per lookup the manifest declares: the newest 100 objects of its list action. */
export function lookupMethods(): Record<string, LoadOptions> {
  const methods: Record<string, LoadOptions> = {};
  for (const lookup of manifestLookups()) {
    methods[lookupMethodName(lookup)] = async function (this: ILoadOptionsFunctions) {
      const client = await nodeClient(this);
      const page = (await runAction(lookup.action, { limit: 100 }, { client })) as { data?: IDataObject[] };
      return (page.data ?? []).map((object) => {
        const value = String(object[lookup.value]);
        const label = object[lookup.label];
        return { name: typeof label === 'string' && label !== '' ? `${label} (${value})` : value, value };
      });
    };
  }
  return methods;
}
