/**
 * What calling an action does to the Stripe account, told by its verb: the MCP tool annotations
 * (readOnlyHint, destructiveHint, idempotentHint) and the manifest's `hints` come from here.
 */
import type { ActionDefinition } from '../actions/define';

export interface ActionHints {
  /** Only reads: retrieve, list, search, find. */
  read_only: boolean;
  /**
   * Cannot be undone by another call: it removes or ends something (delete, cancel, void, detach,
   * expire, close), makes a one-way state change (finalize, mark uncollectible), or moves money
   * (charges, payment intents, captures, refunds, payouts, transfers, subscriptions, credit notes,
   * paying an invoice). An update is not: another update sets the old values back.
   */
  destructive: boolean;
  /** Calling it again with the same input changes nothing more (reads, updates, deletes, state moves). */
  idempotent: boolean;
}

const READ_VERBS = new Set(['retrieve', 'list', 'search', 'find']);
const DESTRUCTIVE_VERBS = new Set(['delete', 'cancel', 'void', 'detach', 'expire', 'close', 'finalize', 'mark', 'pay', 'capture']);
/** Writes whose verb does not say that they move money, but they do (or may: a payment intent created with confirm). */
const MOVES_MONEY = new Set([
  'create_charge',
  'create_payment_intent',
  'confirm_payment_intent',
  'create_refund',
  'create_payout',
  'create_transfer',
  'create_subscription',
  'create_credit_note',
]);
/**
 * Writes whose repeat is harmless: an update sets the same values again; a state move (finalize,
 * void, resume...) is refused or a no-op the second time. Creates, payments, refunds, sends and
 * added lines are not: each call does it again (creates are protected by idempotency keys instead).
 */
const IDEMPOTENT_WRITE_VERBS = new Set(['update', 'delete', 'cancel', 'void', 'detach', 'expire', 'close', 'deactivate', 'finalize', 'mark', 'resume', 'attach']);

export function actionHints(action: Pick<ActionDefinition, 'key' | 'method'>): ActionHints {
  const verb = action.key.slice(0, action.key.indexOf('_'));
  // raw_api_request can do anything, DELETE included.
  if (action.method === 'ANY') return { read_only: false, destructive: true, idempotent: false };
  const readOnly = action.method === 'GET' && READ_VERBS.has(verb);
  return {
    read_only: readOnly,
    destructive: !readOnly && (DESTRUCTIVE_VERBS.has(verb) || MOVES_MONEY.has(action.key)),
    idempotent: readOnly || IDEMPOTENT_WRITE_VERBS.has(verb),
  };
}
