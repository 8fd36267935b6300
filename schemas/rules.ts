/**
 * Rules between an action's fields that no single field's schema can state: "exactly one of charge or
 * payment_intent", "source or customer", "trial_end or trial_period_days, not both", "currency with
 * amount_off". Declared as data on the action, so the same declaration checks the input (before any
 * request) and reaches the manifest and `run <action> --help`. Rules that depend on a field's value
 * (setup mode takes no line_items) or on nested items stay in the action's own refinement and its
 * description.
 */
import type { z } from 'zod';

export type FieldRule =
  /** Exactly one of the fields must be given. */
  | { kind: 'exactly_one'; fields: readonly string[] }
  /** At least one of the fields must be given. */
  | { kind: 'at_least_one'; fields: readonly string[] }
  /** At most one of the fields may be given. */
  | { kind: 'at_most_one'; fields: readonly string[] }
  /** When `field` is given, every one of `requires` must be too. */
  | { kind: 'requires'; field: string; requires: readonly string[] };

export const exactlyOne = (...fields: string[]): FieldRule => ({ kind: 'exactly_one', fields });
export const atLeastOne = (...fields: string[]): FieldRule => ({ kind: 'at_least_one', fields });
export const atMostOne = (...fields: string[]): FieldRule => ({ kind: 'at_most_one', fields });
export const requires = (field: string, ...required: string[]): FieldRule => ({ kind: 'requires', field, requires: required });

function either(fields: readonly string[]): string {
  return fields.length <= 2 ? fields.join(' or ') : `${fields.slice(0, -1).join(', ')} or ${fields[fields.length - 1]}`;
}

/** The rule as a person reads it: `give exactly one of charge or payment_intent`. */
export function ruleText(rule: FieldRule): string {
  switch (rule.kind) {
    case 'exactly_one':
      return `give exactly one of ${either(rule.fields)}`;
    case 'at_least_one':
      return `give ${either(rule.fields)} (at least one)`;
    case 'at_most_one':
      return rule.fields.length > 2 ? `give at most one of ${either(rule.fields)}` : `give ${either(rule.fields)}, not both`;
    case 'requires':
      return `${rule.field} needs ${rule.requires.join(' and ')}`;
  }
}

const given = (input: Record<string, unknown>, field: string) => input[field] !== undefined;

/**
 * The fields a broken rule names, each one a form would mark: none given, all of the rule's fields;
 * too many, the ones given; a missing requirement, the field and what it needs. Empty when the input keeps it.
 */
export function ruleProblemFields(rule: FieldRule, input: Record<string, unknown>): string[] {
  if (rule.kind === 'requires') {
    const missing = given(input, rule.field) ? rule.requires.filter((field) => !given(input, field)) : [];
    return missing.length ? [rule.field, ...missing] : [];
  }
  const present = rule.fields.filter((field) => given(input, field));
  if (present.length === 0 && rule.kind !== 'at_most_one') return [...rule.fields];
  if (present.length > 1 && rule.kind !== 'at_least_one') return present;
  return [];
}

/** A zod refinement checking every rule (each broken rule is one issue naming its field). */
export function checkRules(rules: readonly FieldRule[]) {
  return (input: Record<string, unknown>, ctx: z.RefinementCtx): void => {
    for (const rule of rules) {
      for (const field of ruleProblemFields(rule, input)) ctx.addIssue({ code: 'custom', path: [field], message: ruleText(rule) });
    }
  };
}
