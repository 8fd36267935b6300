/**
 * Rules between an action's fields that no single field's schema can state: "exactly one of charge or
 * payment_intent", "source or customer", "trial_end or trial_period_days, not both", "currency with
 * amount_off". Declared as data on the action, so the same declaration checks the input (before any
 * request) and reaches the manifest (as JSON Schema, so a form can show them) and `run <action> --help`.
 * Rules on a field's value (line_items in payment mode, none in setup mode) are `when` rules; rules
 * inside nested items or between amounts stay in the action's own refinement and its description.
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
  | { kind: 'requires'; field: string; requires: readonly string[] }
  /** When `field` holds one of `is`, every one of `requires` must be given and none of `forbids`. */
  | { kind: 'when'; field: string; is: readonly RuleValue[]; requires: readonly string[]; forbids: readonly string[] };

export type RuleValue = string | number | boolean;

export const exactlyOne = (...fields: string[]): FieldRule => ({ kind: 'exactly_one', fields });
export const atLeastOne = (...fields: string[]): FieldRule => ({ kind: 'at_least_one', fields });
export const atMostOne = (...fields: string[]): FieldRule => ({ kind: 'at_most_one', fields });
export const requires = (field: string, ...required: string[]): FieldRule => ({ kind: 'requires', field, requires: required });
export const when = (field: string, is: readonly RuleValue[], then: { requires?: readonly string[]; forbids?: readonly string[] }): FieldRule => ({
  kind: 'when',
  field,
  is,
  requires: then.requires ?? [],
  forbids: then.forbids ?? [],
});

/** Every field a rule names (to check a declaration against its input schema). */
export function ruleFields(rule: FieldRule): string[] {
  switch (rule.kind) {
    case 'requires':
      return [rule.field, ...rule.requires];
    case 'when':
      return [rule.field, ...rule.requires, ...rule.forbids];
    default:
      return [...rule.fields];
  }
}

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
    case 'when': {
      const condition = `when ${rule.field} is ${either(rule.is.map(String))}`;
      const parts = [
        ...(rule.requires.length ? [`${rule.requires.join(' and ')} ${rule.requires.length > 1 ? 'are' : 'is'} required`] : []),
        ...(rule.forbids.length ? [`${either(rule.forbids)} ${rule.forbids.length > 1 ? 'are' : 'is'} not allowed`] : []),
      ];
      return `${condition}, ${parts.join(' and ')}`;
    }
  }
}

const given = (input: Record<string, unknown>, field: string) => input[field] !== undefined;

/**
 * The fields a broken rule names, each one a form would mark: none given, all of the rule's fields;
 * too many, the ones given; a missing requirement, the field and what it needs. Empty when the input keeps it.
 */
export function ruleProblemFields(rule: FieldRule, input: Record<string, unknown>): string[] {
  if (rule.kind === 'when') {
    if (!rule.is.includes(input[rule.field] as RuleValue)) return [];
    return [...rule.requires.filter((field) => !given(input, field)), ...rule.forbids.filter((field) => given(input, field))];
  }
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

const requiredOne = (field: string) => ({ required: [field] });

/**
 * The rule in JSON Schema (2020-12), for a form renderer or validator: `oneOf`/`anyOf` of `required`,
 * `not` of both, `dependentRequired`, `if`/`then`. A `when` rule's `if` also matches the field's
 * default when the field is left out, as the connector applies defaults before checking.
 */
export function ruleSchema(rule: FieldRule, defaults: Record<string, unknown> = {}): Record<string, unknown> {
  switch (rule.kind) {
    case 'exactly_one':
      return { oneOf: rule.fields.map(requiredOne) };
    case 'at_least_one':
      return { anyOf: rule.fields.map(requiredOne) };
    case 'at_most_one': {
      const pairs = rule.fields.flatMap((a, i) => rule.fields.slice(i + 1).map((b) => ({ required: [a, b] })));
      return pairs.length === 1 ? { not: pairs[0] } : { not: { anyOf: pairs } };
    }
    case 'requires':
      return { dependentRequired: { [rule.field]: [...rule.requires] } };
    case 'when': {
      const defaultApplies = rule.is.includes(defaults[rule.field] as RuleValue);
      const condition = { properties: { [rule.field]: { enum: [...rule.is] } }, ...(defaultApplies ? {} : { required: [rule.field] }) };
      const then: Record<string, unknown>[] = [];
      if (rule.requires.length) then.push({ required: [...rule.requires] });
      if (rule.forbids.length) then.push({ not: { anyOf: rule.forbids.map(requiredOne) } });
      return { if: condition, then: then.length === 1 ? then[0] : { allOf: then } };
    }
  }
}
