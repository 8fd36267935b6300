/**
 * Failures as MCP tool errors (`isError: true`): Stripe's message, type, code and field, and a hint
 * of what to do next, phrased for an agent choosing its next tool call. Messages are already masked
 * by the error classes; nothing here adds the key.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import {
  StripeAPIError,
  StripeAuthenticationError,
  StripeCardError,
  StripeConnectionError,
  StripeError,
  StripeIdempotencyError,
  StripeInputValidationError,
  StripePermissionError,
  StripeRateLimitError,
  maskSecrets,
} from '../../client/errors';

export interface HintContext {
  /** The tools this server offers (hints only point at tools the agent can call). */
  available: ReadonlySet<string>;
}

/** The tools that can find an object of this type: find_x, search_xs, list_xs, whichever are offered. */
function findersOf(objectType: string, context: HintContext): string[] {
  const plural = objectType.endsWith('s') ? objectType : `${objectType}s`;
  return [`find_${objectType}`, `search_${plural}`, `list_${plural}`].filter((name) => context.available.has(name));
}

/**
 * Stripe says "No such customer: 'cus_123'" at the start of its message. Only the message's head is
 * read, and the type name has a bounded length, so a huge message (a server may send megabytes)
 * costs a bounded scan: the unbounded lazy `([a-z_ ]+?):` backtracked over 200 KB for seconds.
 */
export const HINT_SCAN_LENGTH = 200;
const NO_SUCH_OBJECT = /No such ([a-z_ ]{1,60}?):/i;

/** The object type a "No such <type>:" message names (lower snake_case), if its head names one. */
export function missingObjectType(message: string): string | undefined {
  const match = NO_SUCH_OBJECT.exec(message.slice(0, HINT_SCAN_LENGTH));
  return match?.[1]?.trim().toLowerCase().replace(/ /g, '_') || undefined;
}

function missingObjectHint(error: StripeError, context: HintContext): string {
  // The object type is also the param name for references.
  const objectType = (missingObjectType(error.message) ?? error.param ?? '').trim().toLowerCase().replace(/ /g, '_');
  const finders = objectType ? findersOf(objectType, context) : [];
  const what = objectType ? objectType.replace(/_/g, ' ') : 'object';
  const by = finders.some((name) => name === 'find_customer') ? ' (find_customer looks one up by email)' : '';
  return finders.length > 0
    ? `${what} not found: check the id; ${finders.join(' or ')} can find the right one${by}.`
    : `${what} not found: check the id (ids start with their type's prefix, e.g. cus_, ch_, pi_).`;
}

const CODE_HINTS: Record<string, string> = {
  parameter_missing: 'A required argument is missing: see the tool\'s inputSchema.',
  parameter_unknown: 'Stripe does not know this argument: remove it (see the tool\'s inputSchema).',
  parameter_invalid_integer: 'Amounts and counts are integers (amounts in the smallest currency unit: 1000 = $10.00).',
  amount_too_small: 'Amounts are in the smallest currency unit: 1000 means $10.00; Stripe has a minimum per currency (50 cents for USD).',
  amount_too_large: 'The amount is above Stripe\'s maximum; amounts are in the smallest currency unit (100 = $1.00, 100 = ¥100).',
  resource_already_exists: 'An object with this id already exists: retrieve it instead of creating it again.',
  charge_already_refunded: 'The charge is already fully refunded: retrieve_charge shows amount_refunded.',
  charge_already_captured: 'The charge is already captured; nothing more to do.',
  payment_intent_unexpected_state: 'The payment intent is not in a state that allows this: retrieve_payment_intent shows its status.',
  invoice_not_editable: 'The invoice is finalized and can no longer be edited: void it and create a new one, or use a credit note.',
  balance_insufficient: 'Not enough available balance: retrieve_balance shows what is available.',
  email_invalid: 'The email address is not valid.',
};

// Stripe sends amount_too_large both for a refund over what is left on the charge ("Refund amount
// ($16.00) is greater than unrefunded amount on charge ($15.00)", or "... than charge amount ..." for
// the first refund) and for a capture over what is capturable; only the rest is Stripe's maximum.
const REFUND_OVER_CHARGE = /^Refund amount \([^)]{1,40}\) is greater than (unrefunded amount on charge|charge amount)/i;

function amountTooLargeHint(error: StripeError): string {
  const head = error.message.slice(0, HINT_SCAN_LENGTH);
  if (REFUND_OVER_CHARGE.test(head)) {
    return 'The refund is more than what is left to refund on the charge (see the amounts in the message): retrieve_charge shows amount and amount_refunded; refund at most their difference, or omit amount to refund all that is left.';
  }
  if (error.param === 'amount_to_capture' || /amount.to.capture/i.test(head)) {
    return 'The capture is more than can be captured: retrieve_payment_intent (or retrieve_charge) shows amount_capturable; capture at most that, or omit the amount to capture it all.';
  }
  return CODE_HINTS.amount_too_large!;
}

function cardHint(error: StripeError, context: HintContext): string {
  const parts = [
    `The card was declined${error.decline_code ? ` (${error.decline_code})` : ''}: the customer needs another payment method.`,
    'Calling again with the same arguments replays this decline; a new idempotency_key tries the card again.',
  ];
  if (error.payment_intent && context.available.has('confirm_payment_intent')) {
    parts.push(`The payment intent ${error.payment_intent} exists: confirm_payment_intent with another payment_method retries it.`);
  }
  return parts.join(' ');
}

// By class, not by Stripe's `type`: Stripe sends invalid_request_error for a 401 or 403.
function hintFor(error: StripeError, context: HintContext): string {
  if (error instanceof StripeInputValidationError) {
    return 'Nothing was sent to Stripe. Fix the named field(s) to match the tool\'s inputSchema and call again.';
  }
  if (error instanceof StripeAuthenticationError) {
    return 'Stripe refused the server\'s API key (wrong, expired or revoked): the user must set a valid STRIPE_SECRET_KEY and restart the server. Other tools will fail the same way.';
  }
  if (error instanceof StripePermissionError) {
    return 'The API key may not do this (a restricted rk_ key without this permission): the user can grant it in the Stripe Dashboard; read tools may still work.';
  }
  if (error instanceof StripeRateLimitError) return 'Stripe is rate limiting: wait a few seconds and call again with the same arguments.';
  if (error instanceof StripeIdempotencyError) {
    return 'This idempotency_key was already used with different arguments (or is in use right now): pass a new idempotency_key to make a different call.';
  }
  if (error.code === 'resource_missing') return missingObjectHint(error, context);
  if (error.code === 'amount_too_large') return amountTooLargeHint(error);
  if (error.code && CODE_HINTS[error.code]) return CODE_HINTS[error.code]!;
  if (error instanceof StripeCardError) return cardHint(error, context);
  if (error instanceof StripeAPIError || error instanceof StripeConnectionError) {
    return 'Stripe could not be reached or failed (retries are exhausted): call again later with the same arguments; creates stay safe to repeat.';
  }
  return error.param ? `Check the ${error.param} argument.` : 'See the message; the tool\'s description says what to pass.';
}

/** The tool error result: a readable text for the agent, the same facts as JSON after it. */
export function toolErrorResult(error: unknown, context: HintContext): CallToolResult {
  if (!(error instanceof StripeError)) {
    const message = maskSecrets(error instanceof Error ? error.message : String(error));
    return { isError: true, content: [{ type: 'text', text: `Error: ${message}` }] };
  }
  const lines = [`Error: ${error.message}`];
  const facts = error.toJSON();
  if (error instanceof StripeInputValidationError) {
    for (const field of error.fields) lines.push(`Field ${field.field}: ${field.message}`);
  } else {
    const detail = [`type ${error.type}`, error.code && `code ${error.code}`, error.decline_code && `decline_code ${error.decline_code}`, error.param && `field ${error.param}`]
      .filter(Boolean)
      .join(', ');
    lines.push(`Stripe: ${detail}${error.requestId ? ` (request ${error.requestId})` : ''}.`);
  }
  const hint = hintFor(error, context);
  lines.push(`Hint: ${hint}`);
  return {
    isError: true,
    content: [
      { type: 'text', text: lines.join('\n') },
      { type: 'text', text: JSON.stringify({ error: { ...facts, hint } }) },
    ],
  };
}

/** A call this server refuses by its own rules (read-only, live mode, tool not selected). */
export function refusal(message: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: `Error: ${message}` }] };
}
