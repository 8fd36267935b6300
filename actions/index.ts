import { balanceActions } from './balance';
import { billingMeterActions } from './billing_meters';
import { chargeActions } from './charges';
import { checkoutSessionActions } from './checkout_sessions';
import { couponActions } from './coupons';
import { creditNoteActions } from './credit_notes';
import { customerSourceActions } from './customer_sources';
import { customerActions } from './customers';
import { disputeActions } from './disputes';
import { eventActions } from './events';
import { invoiceItemActions } from './invoice_items';
import { invoiceActions } from './invoices';
import { paymentIntentActions } from './payment_intents';
import { paymentLinkActions } from './payment_links';
import { paymentMethodActions } from './payment_methods';
import { payoutActions } from './payouts';
import { priceActions } from './prices';
import { productActions } from './products';
import { promotionCodeActions } from './promotion_codes';
import { rawActions } from './raw';
import { refundActions } from './refunds';
import { setupIntentActions } from './setup_intents';
import { subscriptionActions } from './subscriptions';
import { taxRateActions } from './tax_rates';
import { transferActions } from './transfers';

/** Every action, in catalogue order (grouped by resource). */
export const allActions = [
  ...balanceActions,
  ...customerActions,
  ...customerSourceActions,
  ...chargeActions,
  ...paymentIntentActions,
  ...refundActions,
  ...invoiceActions,
  ...invoiceItemActions,
  ...subscriptionActions,
  ...productActions,
  ...priceActions,
  ...couponActions,
  ...promotionCodeActions,
  ...paymentLinkActions,
  ...paymentMethodActions,
  ...checkoutSessionActions,
  ...setupIntentActions,
  ...disputeActions,
  ...payoutActions,
  ...creditNoteActions,
  ...taxRateActions,
  ...eventActions,
  ...billingMeterActions,
  ...transferActions,
  ...rawActions,
];
