/**
 * Every action runs at least once over HTTP against the emulator with valid input (the request it
 * sends is checked: method, path, encoded parameters) and once with invalid input (nothing is sent,
 * the bad field is named). Each result must match the action's output schema, as zod and as the
 * JSON Schema it exports. The cases live in test/cases/, one file per group of resources.
 */
import { StripeInputValidationError } from '../client/errors';
import { getAction, listActions } from '../connector/registry';
import { allCases } from './cases';
import { caught, useEmulator } from './support/harness';
import { buildManifest } from '../connector/manifest';
import { expectMatchesOutput, jsonSchemaProblems } from './support/outputs';

/** Fields the connector consumes itself; they never reach Stripe as parameters. */
const CONNECTOR_FIELDS = new Set(['idempotency_key', 'return_all', 'max_items']);

/** A value as it arrives in a form body or query: every scalar a string, null as "" (Stripe's unset). */
function wireForm(value: unknown): unknown {
  if (value === null) return '';
  if (Array.isArray(value)) return value.map(wireForm);
  if (typeof value === 'object' && value !== undefined) {
    return Object.fromEntries(Object.entries(value as object).filter(([, v]) => v !== undefined).map(([k, v]) => [k, wireForm(v)]));
  }
  return String(value);
}

const ctx = useEmulator();
const builtManifest = buildManifest();
const manifestDefs = builtManifest.$defs;
const outputSchemas = new Map(builtManifest.actions.map((action) => [action.key, action.output]));

it('every action in the registry has exactly one catalogue case', () => {
  const keys = listActions().map((action) => action.key);
  const caseKeys = allCases.map((c) => c.key);
  expect(new Set(caseKeys).size).toBe(caseKeys.length);
  expect([...caseKeys].sort()).toEqual([...keys].sort());
});

describe.each(allCases.map((c) => [c.key, c] as const))('%s', (key, actionCase) => {
  it('sends the expected request with valid input and returns Stripe\'s answer', async () => {
    const action = getAction(key)!;
    const input = await actionCase.input(ctx);
    const expected = actionCase.request(input);
    const before = ctx.emulator.requests.length;
    const result = await ctx.run(key, input);
    expect(ctx.emulator.requests.length).toBeGreaterThan(before);
    const sent = ctx.emulator.requests.at(-1)!;
    expect(sent.status).toBeLessThan(300);
    expect([sent.method, sent.path]).toEqual([expected.method, expected.path]);

    let params = expected.params;
    if (!params) {
      const parsed = action.input.parse(input) as Record<string, unknown>;
      const pathIds = [...action.path.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1]!);
      params = wireForm(
        Object.fromEntries(Object.entries(parsed).filter(([k]) => !CONNECTOR_FIELDS.has(k) && !pathIds.includes(k))),
      ) as Record<string, unknown>;
    }
    expect(sent.method === 'POST' ? sent.body : sent.query).toEqual(params);
    if (sent.method === 'POST') expect(sent.headers['idempotency-key']).toEqual(expect.any(String));
    await actionCase.check(result, input, ctx);
    expectMatchesOutput(action.output, result, `${key}'s emulator response`);
    // The same response against the JSON Schema hosts and MCP clients get from the manifest.
    expect(jsonSchemaProblems(outputSchemas.get(key)!, result, manifestDefs)).toBeUndefined();
  });

  it('refuses invalid input, naming the field, and sends nothing', async () => {
    const before = ctx.emulator.requests.length;
    const error = await caught(ctx.run(key, actionCase.invalid.input));
    expect(error).toBeInstanceOf(StripeInputValidationError);
    expect((error as StripeInputValidationError).fields.map((f) => f.field)).toContain(actionCase.invalid.field);
    expect(ctx.emulator.requests.length).toBe(before);
  });
});
