/**
 * What payment intents and setup intents report alike: the 400 for a transition their state does
 * not allow, and the fields of a declined card, so both answer in Stripe's one shape.
 */
import { StripeError } from '../errors';
import type { StripeErrorBody } from '../types';
import type { Decline } from './cards';

/** `payment_intent_unexpected_state` or `setup_intent_unexpected_state`, carrying the intent as it is. */
export function intentUnexpectedState(
  kind: 'payment_intent' | 'setup_intent',
  intent: Record<string, any>,
  message: string,
  param?: string,
): StripeError {
  const code = `${kind}_unexpected_state`;
  const body: StripeErrorBody = {
    type: 'invalid_request_error',
    code,
    doc_url: `https://stripe.com/docs/error-codes/${code.replace(/_/g, '-')}`,
    message,
    [kind]: structuredClone(intent),
  };
  if (param) body.param = param;
  return new StripeError(400, body, 'execution');
}

/** The fields both the intent's last error and the 402 body give for a decline. */
export function declineFields(decline: Decline): { code: string; decline_code: string; doc_url: string; message: string } {
  return {
    code: decline.code,
    decline_code: decline.declineCode,
    doc_url: `https://stripe.com/docs/error-codes/${decline.code.replace(/_/g, '-')}`,
    message: decline.message,
  };
}
