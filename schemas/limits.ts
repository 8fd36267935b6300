/**
 * Stripe's own limits on request parameters, in one place, and the check every action's input (and
 * every request the client sends) passes before anything goes out. No zod here: the client checks
 * its parameters with this too, without loading zod.
 *
 * Sources: Stripe's OpenAPI description (/work/shared/stripe-openapi/spec3.json, API 2024-04-10;
 * test/limits.test.ts re-derives each figure from it) and Stripe's docs (metadata, ids).
 */

/** Object ids, list cursors and search page tokens: Stripe's ids are at most 255 characters. */
export const ID_MAX_LENGTH = 255;

/** Free text: the spec's maxLength for nearly every request string (5000 on 3,146 of 3,553 that have one). */
export const TEXT_MAX_LENGTH = 5_000;

/**
 * The only parameters the spec lets run longer than TEXT_MAX_LENGTH, by name: charge and product
 * descriptions (40,000) and dispute evidence texts (20,000).
 */
export const LONG_TEXT_MAX_LENGTH: Readonly<Record<string, number>> = {
  description: 40_000,
  product_description: 40_000,
  access_activity_log: 20_000,
  cancellation_policy_disclosure: 20_000,
  cancellation_rebuttal: 20_000,
  duplicate_charge_explanation: 20_000,
  refund_policy_disclosure: 20_000,
  refund_refusal_explanation: 20_000,
  uncategorized_text: 20_000,
};

/** Stripe's metadata: up to 50 keys, keys up to 40 characters, values up to 500. */
export const METADATA_MAX_KEYS = 50;
export const METADATA_KEY_MAX_LENGTH = 40;
export const METADATA_VALUE_MAX_LENGTH = 500;

/**
 * How deep parameters may nest (`a[b][c]` is 3). Stripe documents no figure; its deepest declared
 * parameter is 8 levels (POST /v1/invoices/create_preview). Twice that leaves room for endpoints newer
 * than the spec, and keeps the form encoder (which recurses) far from the stack's end.
 */
export const MAX_PARAM_DEPTH = 16;

/**
 * Keys that name an object's prototype machinery: JavaScript drops or misreads them on the way
 * (`{"__proto__": "x"}` vanishes from a copied object), so they are refused, never sent.
 */
export const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** A key that could not be sent as it was given. */
export function isPrototypeKey(key: string): boolean {
  return PROTOTYPE_KEYS.has(key);
}

export interface LimitProblem {
  /** Dotted path of the field, as zod names it (`metadata.plan`, `items.0.price`). */
  field: string;
  message: string;
}

/** Reporting stops after this many problems: a huge bad input does not make a huge error. */
const MAX_PROBLEMS = 20;

/** The longest a string under this key may be. */
export function maxTextLength(key: string | undefined): number {
  return (key !== undefined && LONG_TEXT_MAX_LENGTH[key]) || TEXT_MAX_LENGTH;
}

/**
 * What breaks Stripe's limits anywhere in a value: prototype keys, nesting deeper than
 * MAX_PARAM_DEPTH, strings longer than Stripe takes. Reads own enumerable keys (JSON.parse makes
 * `__proto__` one), never descends past the depth limit, and stops after MAX_PROBLEMS.
 */
export function paramLimitProblems(value: unknown, prefix: readonly string[] = []): LimitProblem[] {
  const problems: LimitProblem[] = [];
  const name = (path: readonly string[]) => path.join('.') || '(input)';
  const visit = (node: unknown, path: string[], depth: number): void => {
    if (problems.length >= MAX_PROBLEMS) return;
    if (typeof node === 'string') {
      const max = maxTextLength(path[path.length - 1]);
      if (node.length > max) problems.push({ field: name(path), message: `at most ${max.toLocaleString('en-US')} characters (Stripe's limit); got ${node.length.toLocaleString('en-US')}` });
      return;
    }
    if (node === null || typeof node !== 'object') return;
    // Its keys would sit one level deeper than this object.
    if (depth >= MAX_PARAM_DEPTH) {
      problems.push({ field: name(path), message: `nested more than ${MAX_PARAM_DEPTH} levels deep (Stripe's deepest parameter has 8)` });
      return;
    }
    // Arrays by index: a sparse array (a library caller's) has holes that map() would leave as holes.
    const entries: Array<[string, unknown]> = Array.isArray(node) ? Array.from(node, (item, i) => [String(i), item]) : Object.entries(node);
    for (const [key, item] of entries) {
      if (problems.length >= MAX_PROBLEMS) return;
      const at = [...path, key];
      if (isPrototypeKey(key)) {
        problems.push({ field: name(at), message: `${JSON.stringify(key)} cannot be a key: it names JavaScript's prototype and would be dropped or misread` });
        continue;
      }
      visit(item, at, depth + 1);
    }
  };
  visit(value, [...prefix], prefix.length);
  return problems;
}
