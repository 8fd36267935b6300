/**
 * Every action whose endpoint is in Stripe's OpenAPI description agrees with it: the path exists with
 * that method, every top-level field the action sends is a parameter of the operation (name, and where
 * simple, type and enum values), and every parameter the spec requires is required by the action.
 * The spec is read from STRIPE_OPENAPI_SPEC, else the team's copy beside the project.
 */
import { z } from 'zod';
import { defineAction, type ActionDefinition } from '../actions/define';
import { toJsonSchema } from '../connector/manifest';
import { listActions } from '../connector/registry';
import { customerObject } from '../schemas/objects/customer';
import { deref, enumOf, spec, SPEC_PATH, template, typesOf, type JsonSchema, type Operation } from './support/spec';

/** Endpoints Stripe added after the spec's API version (2024-04-10): checked against current docs by hand. */
const KNOWN_NEWER = new Set([
  'POST /v1/invoices/{}/attach_payment',
  'POST /v1/invoices/{}/add_lines',
  'GET /v1/payment_intents/{}/amount_details_line_items',
]);

/**
 * Parameters Stripe added or renamed after the spec, in the API version the connector pins (each
 * checked to be absent from the spec, so the list cannot go stale unnoticed).
 */
const CHANGED_SINCE_SPEC: Record<string, { added?: string[]; replaces?: Record<string, string>; newValues?: Record<string, string[]> }> = {
  // 2025-09-30.clover: a promotion code names its coupon as promotion[coupon], no longer coupon.
  'POST /v1/promotion_codes': { added: ['promotion'], replaces: { coupon: 'promotion' } },
  // amount_details[line_items], read back by GET /v1/payment_intents/{id}/amount_details_line_items.
  'POST /v1/payment_intents': { added: ['amount_details'] },
  'POST /v1/payment_intents/{}': { added: ['amount_details'] },
  // 2025-03-31.basil: an invoice item names its price as pricing[price]; top-level price and unit_amount are gone.
  'POST /v1/invoiceitems': { added: ['pricing'] },
  'POST /v1/invoiceitems/{}': { added: ['pricing'] },
  // 2026-03-25.dahlia renamed the ui modes; submit_type subscribe came with subscription-mode buttons.
  'POST /v1/checkout/sessions': { newValues: { ui_mode: ['hosted_page', 'embedded_page'], submit_type: ['subscribe'] } },
};

/** Fields the connector consumes itself; they are never sent as parameters. */
const CONNECTOR_FIELDS = new Set(['idempotency_key', 'return_all', 'max_items', 'fields']);

/**
 * Actions with their own `run` whose inputs are not one-to-one parameters: the fields they turn into
 * other requests (documented and tested in each action's own tests).
 */
const FIELDS_NOT_SENT_AS_IS: Record<string, string[]> = {
  find_customer: ['customer_id', 'email'],
  find_invoice: ['invoice_id', 'number'],
};

if (!spec) {
  // Visible in every run that skips: a silent skip would look like a pass.
  console.warn(`spec conformance SKIPPED: no OpenAPI spec at ${SPEC_PATH} (set STRIPE_OPENAPI_SPEC)`);
}

function operationOf(method: string, path: string): Operation | undefined {
  const wanted = template(path);
  for (const [specPath, operations] of Object.entries(spec!.paths)) {
    if (template(specPath) === wanted) return operations[method.toLowerCase()];
  }
  return undefined;
}

/** Parameters of an operation: name -> schema, and which are required (path params apart). */
function parametersOf(method: string, operation: Operation): { params: Record<string, JsonSchema>; required: string[]; pathParams: number } {
  const params: Record<string, JsonSchema> = {};
  const required: string[] = [];
  let pathParams = 0;
  for (const p of operation.parameters ?? []) {
    if (p.in === 'path') pathParams++;
    if (p.in !== 'query') continue;
    params[p.name] = p.schema ?? {};
    if (p.required) required.push(p.name);
  }
  // The spec puts DELETE parameters in a form body too (stripe-node and this client send them as a query).
  if (method === 'POST' || method === 'DELETE') {
    const body = deref(operation.requestBody?.content?.['application/x-www-form-urlencoded']?.schema);
    Object.assign(params, body?.properties ?? {});
    required.push(...(body?.required ?? []));
  }
  return { params, required, pathParams };
}

/** Our schema's own types: JSON Schema type(s), ignoring the null our updates allow for "clear". */
function ourTypes(schema: JsonSchema): Set<string> {
  const out = new Set<string>();
  for (const t of [schema.type ?? []].flat()) if (t !== 'null') out.add(t);
  if (schema.enum?.length) for (const v of schema.enum) out.add(typeof v === 'number' ? 'number' : typeof v);
  if (schema.const !== undefined) out.add(typeof schema.const);
  for (const variant of schema.anyOf ?? []) for (const t of ourTypes(variant)) out.add(t);
  return out;
}

function compatible(ours: string, theirs: Set<string>): boolean {
  if (theirs.size === 0 || theirs.has(ours)) return true;
  // Our integers are the spec's integers; a spec number takes our integers too.
  return (ours === 'integer' && theirs.has('number')) || (ours === 'number' && theirs.has('integer'));
}

/** What disagrees between an action and its operation in the spec (empty when they agree). */
function conformanceProblems(action: ActionDefinition): string[] {
  const endpoint = `${action.method} ${template(action.path)}`;
  if (KNOWN_NEWER.has(endpoint)) return [];
  const operation = operationOf(action.method, action.path);
  if (!operation) return [`${endpoint}: not in the spec`];

  const { params, required, pathParams } = parametersOf(action.method, operation);
  const input = toJsonSchema(action.input) as JsonSchema;
  const ourPathParams = [...action.path.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1]!);
  const problems: string[] = [];
  if (ourPathParams.length !== pathParams) problems.push(`${endpoint}: ${ourPathParams.length} path ids, the spec ${pathParams}`);
  const changed = CHANGED_SINCE_SPEC[endpoint];
  for (const name of changed?.added ?? []) if (name in params) problems.push(`${name}: listed as newer than the spec, but the spec has it`);
  const skipped = new Set([...CONNECTOR_FIELDS, ...ourPathParams, ...(FIELDS_NOT_SENT_AS_IS[action.key] ?? []), ...(changed?.added ?? [])]);

  for (const [field, schema] of Object.entries(input.properties ?? {})) {
    if (skipped.has(field)) continue;
    if (!(field in params)) {
      problems.push(`${field}: not a parameter of ${endpoint}`);
      continue;
    }
    const theirTypes = typesOf(params[field]);
    for (const t of ourTypes(schema)) {
      if (!compatible(t, theirTypes)) problems.push(`${field}: our type ${t}, the spec's ${[...theirTypes].join('|')}`);
    }
    const ourEnum = schema.enum ?? schema.anyOf?.flatMap((v) => v.enum ?? []);
    const theirEnum = enumOf(params[field]);
    if (ourEnum?.length && theirEnum) {
      const newer = changed?.newValues?.[field] ?? [];
      for (const value of newer) if (theirEnum.has(value)) problems.push(`${field}: ${value} listed as newer than the spec, but the spec has it`);
      for (const value of ourEnum) {
        if (!theirEnum.has(value) && !newer.includes(value as string)) problems.push(`${field}: enum value ${String(value)} not in the spec`);
      }
    }
  }
  const ours = new Set(input.required ?? []);
  for (const name of required) {
    const replacement = changed?.replaces?.[name];
    if (!ours.has(replacement ?? name)) {
      problems.push(`${replacement ? `${replacement} (the spec's ${name})` : name}: required by the spec, optional or absent here`);
    }
  }
  return problems;
}

const actions = listActions().filter((action) => action.method !== 'ANY');
const describeWithSpec = spec ? describe : describe.skip;

describeWithSpec('every in-spec action agrees with Stripe\'s OpenAPI description', () => {
  it('the known-newer endpoints are really absent from the spec, and used by an action', () => {
    for (const endpoint of KNOWN_NEWER) {
      const [method, path] = endpoint.split(' ') as [string, string];
      expect([endpoint, operationOf(method, path)]).toEqual([endpoint, undefined]);
      expect(actions.some((a) => `${a.method} ${template(a.path)}` === endpoint)).toBe(true);
    }
  });

  it.each(actions.map((a) => [a.key, a] as const))('%s', (_key, action: ActionDefinition) => {
    expect(conformanceProblems(action)).toEqual([]);
  });

  it('catches a wrong path, an unknown field, a wrong type, a foreign enum value and a missing required field', () => {
    const wrong = (path: string, method: 'GET' | 'POST', input: z.ZodType<Record<string, unknown>>) =>
      defineAction({ key: 'check_checker', title: '', description: '', group: 'test', method, path, input, output: customerObject });
    expect(conformanceProblems(wrong('/v1/customerz', 'GET', z.object({})))).toEqual(['GET /v1/customerz: not in the spec']);
    expect(
      conformanceProblems(
        wrong('/v1/refunds', 'POST', z.object({ amount: z.string(), reason: z.enum(['duplicate', 'bored']), colour: z.string() })),
      ),
    ).toEqual(['amount: our type string, the spec\'s integer', 'reason: enum value bored not in the spec', 'colour: not a parameter of POST /v1/refunds']);
    expect(conformanceProblems(wrong('/v1/prices', 'POST', z.object({ product: z.string() })))).toEqual([
      'currency: required by the spec, optional or absent here',
    ]);
  });
});

