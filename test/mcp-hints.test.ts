/**
 * Issue 14, defects 5 and 8: the MCP hint for a missing object reads a bounded head of the message
 * (a 200 KB message used to cost seconds of backtracking), and a refund over what is left on the
 * charge gets a hint about the unrefunded amount, not about Stripe's maximum (over real HTTP).
 */
import { StripeInvalidRequestError } from '../client/errors';
import { HINT_SCAN_LENGTH, missingObjectType, toolErrorResult } from '../connector/mcp/errors';
import { listActions } from '../connector/registry';
import { caught, useEmulator } from './support/harness';

const context = { available: new Set(listActions().map((action) => action.key)) };
const hintOf = (error: unknown) => JSON.parse(String((toolErrorResult(error, context).content[1] as { text: string }).text)).error.hint as string;

describe('missing-object hint (defect 5)', () => {
  it('reads the object type from Stripe\'s message', () => {
    expect(missingObjectType("No such customer: 'cus_123'")).toBe('customer');
    expect(missingObjectType("No such payment method: 'pm_1'")).toBe('payment_method');
  });

  it('finishes on a 200 KB message built to backtrack, and still finds a type at its head', () => {
    const adversarial = 'No such ' + 'a'.repeat(200_000);
    expect(missingObjectType(adversarial)).toBeUndefined();
    const repeated = 'No such '.repeat(25_000);
    expect(repeated.length).toBe(200_000);
    expect(missingObjectType(repeated)).toBeUndefined();
    expect(missingObjectType(`No such price: 'price_1' ${'x'.repeat(200_000)}`)).toBe('price');
  });

  it('scans only the head of the message: a type named past the bound is not read', () => {
    const late = `${' '.repeat(HINT_SCAN_LENGTH)}No such invoice: 'in_1'`;
    expect(missingObjectType(late)).toBeUndefined();
    const error = new StripeInvalidRequestError({ message: `${'z'.repeat(200_000)} No such invoice: 'in_1'`, code: 'resource_missing', param: 'customer', statusCode: 404 });
    // The param names the type instead.
    expect(hintOf(error)).toMatch(/^customer not found/);
  });
});

describe('amount_too_large hints (defect 8)', () => {
  const env = useEmulator();

  it('a refund over the unrefunded amount gets the unrefunded-amount hint, over real HTTP', async () => {
    const charge = await env.run('create_charge', { amount: 2000, currency: 'usd', source: 'tok_visa' });
    const overCharge = await caught(env.run('create_refund', { charge: charge.id, amount: 2500 }));
    expect(overCharge).toMatchObject({ code: 'amount_too_large', message: 'Refund amount ($25.00) is greater than charge amount ($20.00)' });
    expect(hintOf(overCharge)).toMatch(/more than what is left to refund/);

    await env.run('create_refund', { charge: charge.id, amount: 500 });
    const overLeft = await caught(env.run('create_refund', { charge: charge.id, amount: 1600 }));
    expect(overLeft).toMatchObject({ code: 'amount_too_large', message: 'Refund amount ($16.00) is greater than unrefunded amount on charge ($15.00)' });
    const hint = hintOf(overLeft);
    expect(hint).toMatch(/more than what is left to refund/);
    expect(hint).toContain('amount_refunded');
    expect(hint).not.toMatch(/maximum/);
  });

  it('a capture over amount_capturable gets the capturable hint, over real HTTP', async () => {
    const intent = await env.run('create_payment_intent', { amount: 2000, currency: 'usd', payment_method: 'pm_card_visa', capture_method: 'manual', confirm: true });
    const over = await caught(env.run('capture_payment_intent', { payment_intent_id: intent.id, amount_to_capture: 5000 }));
    expect(over).toMatchObject({ code: 'amount_too_large', param: 'amount_to_capture' });
    expect(hintOf(over)).toMatch(/amount_capturable/);
  });

  it('any other amount_too_large keeps the maximum hint', () => {
    const error = new StripeInvalidRequestError({ message: 'Amount must be no more than $999,999.99', code: 'amount_too_large', param: 'amount', statusCode: 400 });
    expect(hintOf(error)).toMatch(/above Stripe's maximum/);
  });
});
