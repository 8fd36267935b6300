import { z } from 'zod';
import { defineObject } from './define';
import { address, amount, created, currency, expandable, livemode, metadata, openEnum, SAMPLE_ADDRESS, SAMPLE_CREATED } from './fields';
import { billingDetails } from './payment_method';
import { refundObject } from './refund';

/** Shipping as charges and payment intents carry it (Stripe sends every key, null when unset). */
export const shippingDetails = z
  .looseObject({
    // Stripe sends address and name with every shipping (both are required to set one), but the spec
    // leaves them optional, and output-conformance holds us to it.
    address: address.optional(),
    carrier: z.string().nullable().describe('The delivery service, e.g. UPS.'),
    name: z.string().optional().describe('Recipient name.'),
    phone: z.string().nullable(),
    tracking_number: z.string().nullable(),
  })
  .describe('Shipping name, address and tracking.');

export const SAMPLE_SHIPPING = {
  address: SAMPLE_ADDRESS,
  carrier: null,
  name: 'Jenny Rosen',
  phone: '+14155550100',
  tracking_number: null,
};

/**
 * Connect destination payments: where the money goes. A charge sends `amount: null` when no amount
 * was given; a payment intent leaves `amount` out.
 */
export const transferDataOf = (amountField: z.ZodType) =>
  z
    .looseObject({
      amount: amountField,
      destination: expandable('connected account').describe('The connected account (acct_...) the funds go to.'),
    })
    .describe('Connect: the account the funds are transferred to.');

const transferData = transferDataOf(
  z.number().int().nullable().describe('Amount sent to the destination, smallest currency unit (null: all of it).'),
);

const cardDetails = z
  .looseObject({
    amount_authorized: z.number().int().nullable().describe('Amount authorized on the card, smallest currency unit (null if the authorization failed).'),
    brand: z.string().nullable().describe('Card brand: amex, diners, discover, eftpos_au, jcb, link, mastercard, unionpay, visa or unknown.'),
    capture_before: z.number().int().optional().describe('Uncaptured charges only: capture before this time (Unix time, seconds) or the authorization expires.'),
    checks: z
      .looseObject({
        address_line1_check: z.string().nullable(),
        address_postal_code_check: z.string().nullable(),
        cvc_check: z.string().nullable().describe('pass, fail, unavailable or unchecked.'),
      })
      .nullable()
      .describe('Results of the address and CVC checks.'),
    country: z.string().nullable().describe('Two-letter country code of the card.'),
    exp_month: z.number().int(),
    exp_year: z.number().int(),
    fingerprint: z.string().nullable().describe('Identifies the card number; the same card has the same fingerprint across customers.'),
    funding: z.string().nullable().describe('credit, debit, prepaid or unknown.'),
    last4: z.string().nullable().describe('Last four digits of the card.'),
    network: z.string().nullable().describe('The network the charge went through, e.g. visa.'),
    three_d_secure: z.looseObject({}).nullable().describe('3D Secure result, null when 3D Secure was not used.'),
    wallet: z.looseObject({ type: z.string() }).nullable().describe('The wallet used (apple_pay, google_pay, link...), null for a card entered directly.'),
  })
  .describe('The card charged.');

export const chargeObject = defineObject(
  'charge',
  'A charge on a card or other payment method: amount, status, what was captured and refunded, and the card used.',
  {
    id: z.string().describe('Unique identifier (ch_..., or py_... for some payment methods).'),
    amount: amount.describe('Amount to collect, in the smallest currency unit (e.g. cents; 100 = $1.00).'),
    amount_captured: z.number().int().describe('Amount captured, smallest currency unit (less than amount after a partial capture, 0 while only authorized).'),
    amount_refunded: z.number().int().describe('Amount refunded so far, smallest currency unit (includes the released rest of a partial capture).'),
    application_fee_amount: z.number().int().nullable().describe('Connect: the platform fee requested, smallest currency unit.'),
    balance_transaction: expandable('balance transaction')
      .nullable()
      .describe('The balance transaction (txn_...) that added the charge to the balance; null while uncaptured or failed.'),
    billing_details: billingDetails.describe('Billing details of the payment method at the time of the charge.'),
    calculated_statement_descriptor: z.string().nullable().describe('The full text on the customer\'s statement.'),
    captured: z.boolean().describe('false while only authorized (created with capture: false and not yet captured).'),
    created,
    currency,
    customer: expandable('customer').nullable().describe('The customer charged, if any.'),
    description: z.string().nullable(),
    disputed: z.boolean().describe('Whether the charge has been disputed.'),
    failure_code: z.string().nullable().describe('Error code of a failed charge, e.g. card_declined.'),
    failure_message: z.string().nullable().describe('Why the charge failed, for the customer.'),
    fraud_details: z
      .looseObject({
        stripe_report: z.string().optional().describe('fraudulent when Stripe judged it so.'),
        user_report: z.string().optional().describe('safe or fraudulent, as you reported it.'),
      })
      .nullable()
      .describe('Fraud assessments (empty when there are none).'),
    livemode,
    metadata,
    on_behalf_of: expandable('connected account').nullable().describe('Connect: the account the charge was made on behalf of.'),
    outcome: z
      .looseObject({
        network_status: z.string().nullable().describe('approved_by_network, declined_by_network, not_sent_to_network or reversed_after_approval.'),
        reason: z.string().nullable().describe('Why it was declined or blocked, e.g. insufficient_funds, highest_risk_level.'),
        risk_level: z.string().optional().describe('Radar\'s risk: normal, elevated, highest, not_assessed or unknown.'),
        risk_score: z.number().int().optional().describe('Radar\'s risk score, 0 to 100.'),
        seller_message: z.string().nullable().describe('A description of the outcome for you, not the customer.'),
        type: openEnum(['authorized', 'manual_review', 'issuer_declined', 'blocked', 'invalid'], 'The outcome.'),
      })
      .nullable()
      .describe('Whether the payment was accepted, and why.'),
    paid: z.boolean().describe('true if the charge succeeded or was authorized for later capture.'),
    payment_intent: expandable('payment intent').nullable().describe('The payment intent that made this charge, if any.'),
    payment_method: z.string().nullable().describe('The payment method (pm_... or card_...) charged.'),
    payment_method_details: z
      .looseObject({
        type: z.string().describe('The payment method type, e.g. card.'),
        card: cardDetails.optional().describe('Present when type is card.'),
      })
      .nullable()
      .describe('The payment method as it was at the time of the charge.'),
    receipt_email: z.string().nullable().describe('Where the receipt was sent.'),
    receipt_number: z.string().nullable().describe('The number on the receipt email, once sent.'),
    receipt_url: z.string().nullable().describe('Link to the charge\'s receipt page (kept up to date with refunds).'),
    refunded: z.boolean().describe('Whether the charge has been fully refunded (false while partly refunded).'),
    refunds: z
      .looseObject({
        object: z.literal('list'),
        data: z.array(refundObject.schema),
        has_more: z.boolean(),
        url: z.string(),
      })
      .nullable()
      .optional()
      .describe('The charge\'s refunds; only when requested with expand: ["refunds"].'),
    shipping: shippingDetails.nullable(),
    statement_descriptor: z.string().nullable().describe('Statement text for non-card charges.'),
    statement_descriptor_suffix: z.string().nullable().describe('Added to the account\'s statement descriptor for card charges.'),
    status: openEnum(['succeeded', 'pending', 'failed'], 'Status of the payment.'),
    transfer_data: transferData.nullable(),
    transfer_group: z.string().nullable().describe('Connect: groups this charge with transfers.'),
  },
  {
    id: 'ch_3TZ0aSample0001',
    amount: 2000,
    amount_captured: 2000,
    amount_refunded: 0,
    application_fee_amount: null,
    balance_transaction: 'txn_3TZ0aSample0001',
    billing_details: { address: SAMPLE_ADDRESS, email: 'jenny.rosen@example.com', name: 'Jenny Rosen', phone: null },
    calculated_statement_descriptor: 'EXAMPLE.COM',
    captured: true,
    created: SAMPLE_CREATED,
    currency: 'usd',
    customer: 'cus_TZ0aSample0001',
    description: 'Order #1042',
    disputed: false,
    failure_code: null,
    failure_message: null,
    fraud_details: {},
    livemode: false,
    metadata: { order_id: '1042' },
    on_behalf_of: null,
    outcome: {
      network_status: 'approved_by_network',
      reason: null,
      risk_level: 'normal',
      risk_score: 32,
      seller_message: 'Payment complete.',
      type: 'authorized',
    },
    paid: true,
    payment_intent: 'pi_3TZ0aSample0001',
    payment_method: 'pm_1TZ0aSampleCard01',
    payment_method_details: {
      type: 'card',
      card: {
        amount_authorized: 2000,
        brand: 'visa',
        checks: { address_line1_check: 'pass', address_postal_code_check: 'pass', cvc_check: 'pass' },
        country: 'US',
        exp_month: 12,
        exp_year: 2030,
        fingerprint: 'Xt5EWLLDS7FJjR1c',
        funding: 'credit',
        last4: '4242',
        network: 'visa',
        three_d_secure: null,
        wallet: null,
      },
    },
    receipt_email: 'jenny.rosen@example.com',
    receipt_number: null,
    receipt_url: 'https://pay.stripe.com/receipts/payment/CAcaFwoVYWNjdF9TYW1wbGUwMDAxKICAgMAGMgZSAMPLE',
    refunded: false,
    shipping: SAMPLE_SHIPPING,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: 'succeeded',
    transfer_data: null,
    transfer_group: null,
  },
  { summary: ['id', 'amount', 'amount_refunded', 'currency', 'status', 'paid', 'refunded', 'captured', 'customer', 'payment_intent', 'description', 'receipt_email', 'failure_code', 'created', 'metadata'] },
);
