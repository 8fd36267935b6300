/**
 * Disputes (params from Stripe's OpenAPI spec: GET /v1/disputes, GET/POST /v1/disputes/{id},
 * POST /v1/disputes/{id}/close). There is no create endpoint: as in test mode, a dispute opens when
 * a charge is paid with a dispute test card (tok_createDispute and friends, recognised by the card's
 * last4), via `openTestDispute` called by the charge rules.
 *
 * States: needs_response --update(submit)--> under_review; needs_response --close--> lost.
 * Inquiries: warning_needs_response --submit--> warning_under_review, --close--> warning_closed.
 * Evidence can change only while a response is needed; closing only then too; metadata always.
 * The emulator never decides a review (under_review stays). Events: charge.dispute.created,
 * charge.dispute.updated, charge.dispute.closed.
 */
import { invalidRequest } from '../errors';
import { emitEvent } from '../events';
import { applyUpdate, p, type Params, type ParamSpecs } from '../params';
import type { RequestContext, ResourceDefinition } from '../resource';
import type { StoredRecord } from '../store';
import { disputeTransaction } from './balance_transactions';
import { rejectUnmodelledReference } from './shared';

/** Stripe's dispute test cards by last4 (docs.stripe.com/testing#disputes). */
const DISPUTE_CARDS: Record<string, { reason: string; inquiry: boolean; networkReason: string }> = {
  '0259': { reason: 'fraudulent', inquiry: false, networkReason: '10.4' },
  '2685': { reason: 'product_not_received', inquiry: false, networkReason: '13.1' },
  '1976': { reason: 'fraudulent', inquiry: true, networkReason: '10.4' },
};

const TEXT_EVIDENCE = [
  'access_activity_log', 'billing_address', 'cancellation_policy_disclosure', 'cancellation_rebuttal', 'customer_email_address',
  'customer_name', 'customer_purchase_ip', 'duplicate_charge_explanation', 'duplicate_charge_id', 'product_description',
  'refund_policy_disclosure', 'refund_refusal_explanation', 'service_date', 'shipping_address', 'shipping_carrier', 'shipping_date',
  'shipping_tracking_number', 'uncategorized_text',
];
/** Evidence fields that name an uploaded file (files are not modelled). */
const FILE_EVIDENCE = [
  'cancellation_policy', 'customer_communication', 'customer_signature', 'duplicate_charge_documentation', 'receipt', 'refund_policy',
  'service_documentation', 'shipping_documentation', 'uncategorized_file',
];
const LONG_TEXT = new Set(['access_activity_log', 'cancellation_policy_disclosure', 'cancellation_rebuttal', 'duplicate_charge_explanation',
  'product_description', 'refund_policy_disclosure', 'refund_refusal_explanation', 'uncategorized_text']);

const EVIDENCE_PARAMS: ParamSpecs = Object.fromEntries([
  ...TEXT_EVIDENCE.map((f) => [f, p.string({ maxLength: LONG_TEXT.has(f) ? 20000 : 5000 })]),
  ...FILE_EVIDENCE.map((f) => [f, p.string({ maxLength: 5000 })]),
]);

const UPDATE_PARAMS: ParamSpecs = {
  evidence: p.object(EVIDENCE_PARAMS),
  metadata: p.metadata(),
  submit: p.boolean(),
};

const RESPONDING = new Set(['needs_response', 'warning_needs_response']);
const CLOSED = new Set(['won', 'lost', 'warning_closed']);

/** Opens the test dispute a dispute card causes (no-op for other cards). Call once the charge is captured. */
export function openTestDispute(ctx: RequestContext, chargeRecord: StoredRecord): void {
  const charge = chargeRecord.object;
  const card = charge.payment_method_details?.card;
  const test = card ? DISPUTE_CARDS[card.last4] : undefined;
  if (!test || !charge.captured) return;
  const id = ctx.ids.next('dp_', 24);
  const dispute = {
    id,
    object: 'dispute',
    amount: charge.amount_captured,
    balance_transactions: [] as Record<string, any>[],
    charge: charge.id,
    created: ctx.now,
    currency: charge.currency,
    evidence: Object.fromEntries([...TEXT_EVIDENCE, ...FILE_EVIDENCE].sort().map((f) => [f, null])),
    evidence_details: { due_by: ctx.now + 21 * 24 * 60 * 60, has_evidence: false, past_due: false, submission_count: 0 },
    is_charge_refundable: test.inquiry,
    livemode: ctx.livemode,
    metadata: {},
    payment_intent: charge.payment_intent ?? null,
    payment_method_details: {
      card: { brand: card.brand, case_type: test.inquiry ? 'inquiry' : 'chargeback', network_reason_code: test.networkReason },
      type: 'card',
    },
    reason: test.reason,
    status: test.inquiry ? 'warning_needs_response' : 'needs_response',
  };
  // A chargeback withdraws the disputed amount at once; an inquiry moves no money.
  if (!test.inquiry) dispute.balance_transactions.push(disputeTransaction(ctx, dispute));
  ctx.store.insert('dispute', dispute, ctx.now);
  charge.disputed = true;
  emitEvent(ctx, 'charge.dispute.created', dispute);
}

function updateDispute(_ctx: RequestContext, record: StoredRecord, params: Params): void {
  const dispute = record.object;
  const evidence: Record<string, string | null> | undefined = params.evidence ?? undefined;
  const submitting = evidence !== undefined ? params.submit !== false : params.submit === true;
  if ((evidence !== undefined || submitting) && !RESPONDING.has(dispute.status)) {
    throw invalidRequest(
      CLOSED.has(dispute.status)
        ? `This dispute is already closed (status ${dispute.status}); its evidence can no longer be changed or submitted.`
        : `This dispute's evidence has already been submitted and is under review; it can no longer be changed.`,
      { param: evidence !== undefined ? 'evidence' : 'submit' },
    );
  }
  for (const field of FILE_EVIDENCE) rejectUnmodelledReference(evidence?.[field], 'file', `evidence[${field}]`);
  applyUpdate(dispute, params, ['metadata']);
  if (evidence) {
    dispute.evidence = { ...dispute.evidence, ...evidence };
    dispute.evidence_details.has_evidence = Object.values(dispute.evidence).some((v) => v !== null);
  }
  if (submitting) {
    dispute.status = dispute.status === 'warning_needs_response' ? 'warning_under_review' : 'under_review';
    dispute.evidence_details.submission_count += 1;
  }
}

function closeDispute(ctx: RequestContext, record: StoredRecord): void {
  const dispute = record.object;
  if (CLOSED.has(dispute.status)) {
    throw invalidRequest(`This dispute is already closed (status ${dispute.status}).`);
  }
  if (!RESPONDING.has(dispute.status)) {
    throw invalidRequest('This dispute is under review: its evidence has been submitted, so it can no longer be closed (accepted).');
  }
  dispute.status = dispute.status === 'warning_needs_response' ? 'warning_closed' : 'lost';
  dispute.is_charge_refundable = false;
  emitEvent(ctx, 'charge.dispute.closed', dispute);
}

export const disputes: ResourceDefinition = {
  type: 'dispute',
  idPrefix: 'dp_',
  idLength: 24,
  basePath: '/v1/disputes',
  retrieve: {},
  update: { params: UPDATE_PARAMS, handle: updateDispute },
  actions: { close: { params: {}, handle: closeDispute } },
  list: {
    params: {
      charge: p.string({ maxLength: 5000, emptyable: false }),
      payment_intent: p.string({ maxLength: 5000, emptyable: false }),
    },
    filter: (dispute, params) =>
      (params.charge === undefined || dispute.charge === params.charge) &&
      (params.payment_intent === undefined || dispute.payment_intent === params.payment_intent),
  },
  expandable: { charge: { types: ['charge'] }, payment_intent: { types: ['payment_intent'] } },
  events: { created: false, updated: 'charge.dispute.updated', deleted: false },
};
