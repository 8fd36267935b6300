/**
 * Rules between fields: declared once on the action, they check the input before anything is sent,
 * name every field involved, and reach the manifest (and `run <action> --help`) as data.
 */
import { buildManifest } from '../connector/manifest';
import { getAction } from '../connector/registry';
import { parseActionInput } from '../connector/runner';
import { StripeInputValidationError } from '../client/errors';
import { atLeastOne, atMostOne, exactlyOne, requires, ruleFields, ruleProblemFields, ruleText } from '../schemas/rules';

function refused(key: string, input: Record<string, unknown>): string[] {
  try {
    parseActionInput(getAction(key), input);
  } catch (error) {
    if (error instanceof StripeInputValidationError) return error.fields.map((f) => `${f.field}: ${f.message}`);
    throw error;
  }
  return [];
}

describe('rules', () => {
  it('name the fields a form should mark, or none when the input keeps them', () => {
    const one = exactlyOne('charge', 'payment_intent');
    expect(ruleProblemFields(one, {})).toEqual(['charge', 'payment_intent']);
    expect(ruleProblemFields(one, { charge: 'ch_1', payment_intent: 'pi_1' })).toEqual(['charge', 'payment_intent']);
    expect(ruleProblemFields(one, { payment_intent: 'pi_1' })).toEqual([]);
    expect(ruleProblemFields(atLeastOne('source', 'customer'), {})).toEqual(['source', 'customer']);
    expect(ruleProblemFields(atLeastOne('source', 'customer'), { source: 'tok_visa', customer: 'cus_1' })).toEqual([]);
    expect(ruleProblemFields(atMostOne('a', 'b', 'c'), {})).toEqual([]);
    expect(ruleProblemFields(atMostOne('a', 'b', 'c'), { a: 1, c: null })).toEqual(['a', 'c']);
    expect(ruleProblemFields(requires('amount_off', 'currency'), { amount_off: 5 })).toEqual(['amount_off', 'currency']);
    expect(ruleProblemFields(requires('amount_off', 'currency'), { currency: 'usd' })).toEqual([]);
  });

  it('read as a person would say them', () => {
    expect(ruleText(exactlyOne('charge', 'payment_intent'))).toBe('give exactly one of charge or payment_intent');
    expect(ruleText(exactlyOne('a', 'b', 'c'))).toBe('give exactly one of a, b or c');
    expect(ruleText(atLeastOne('source', 'customer'))).toBe('give source or customer (at least one)');
    expect(ruleText(atMostOne('trial_end', 'trial_period_days'))).toBe('give trial_end or trial_period_days, not both');
    expect(ruleText(atMostOne('a', 'b', 'c'))).toBe('give at most one of a, b or c');
    expect(ruleText(requires('amount_off', 'currency'))).toBe('amount_off needs currency');
  });

  it('are checked with the action\'s input, before any request', () => {
    expect(refused('create_refund', {})).toEqual(['charge: give exactly one of charge or payment_intent', 'payment_intent: give exactly one of charge or payment_intent']);
    expect(refused('create_refund', { charge: 'ch_1' })).toEqual([]);
    expect(refused('create_coupon', { duration: 'once', amount_off: 500 })).toEqual(['amount_off: amount_off needs currency', 'currency: amount_off needs currency']);
    expect(refused('list_customers', { starting_after: 'cus_1', ending_before: 'cus_2' })).toEqual([
      'starting_after: give starting_after or ending_before, not both',
      'ending_before: give starting_after or ending_before, not both',
    ]);
    expect(refused('list_events', { type: 'charge.*', types: ['charge.failed'] })).toHaveLength(2);
    expect(refused('find_customer', { email: 'a@b.co' })).toEqual([]);
  });

  it('reach the manifest as data, naming only input fields', () => {
    const actions = buildManifest().actions;
    const withRules = actions.filter((a) => a.rules?.length);
    expect(withRules.length).toBeGreaterThan(20);
    for (const action of withRules) {
      const fields = Object.keys((action.input as { properties: object }).properties);
      for (const rule of action.rules!) {
        const named = ruleFields(rule);
        expect({ key: action.key, missing: named.filter((f) => !fields.includes(f)) }).toEqual({ key: action.key, missing: [] });
      }
    }
    expect(actions.find((a) => a.key === 'create_charge')!.rules).toEqual([{ kind: 'at_least_one', fields: ['source', 'customer'] }]);
  });
});
