/**
 * The catalogue: every group's actions, each group loaded on first use. A group is one file here, named
 * as the group (`customers.ts` holds the `customers` group), so a host that runs one action builds only
 * that group's schemas, not all 125 actions' (the main entry point loads no schema at import).
 * `catalogue.json` (written by `npm run manifest`, checked by a test) says which group holds each key.
 */

import catalogueJson from './catalogue.json';
import type * as balanceGroup from './balance';
import type * as customersGroup from './customers';
import type * as customerSourcesGroup from './customer_sources';
import type * as chargesGroup from './charges';
import type * as paymentIntentsGroup from './payment_intents';
import type * as refundsGroup from './refunds';
import type * as invoicesGroup from './invoices';
import type * as invoiceItemsGroup from './invoice_items';
import type * as subscriptionsGroup from './subscriptions';
import type * as productsGroup from './products';
import type * as pricesGroup from './prices';
import type * as couponsGroup from './coupons';
import type * as promotionCodesGroup from './promotion_codes';
import type * as paymentLinksGroup from './payment_links';
import type * as paymentMethodsGroup from './payment_methods';
import type * as checkoutSessionsGroup from './checkout_sessions';
import type * as setupIntentsGroup from './setup_intents';
import type * as disputesGroup from './disputes';
import type * as payoutsGroup from './payouts';
import type * as creditNotesGroup from './credit_notes';
import type * as taxRatesGroup from './tax_rates';
import type * as eventsGroup from './events';
import type * as billingMetersGroup from './billing_meters';
import type * as transfersGroup from './transfers';
import type * as rawGroup from './raw';

/** Each group and how to load it, in catalogue order. */
export const actionGroups = {
  balance: () => (require('./balance') as typeof balanceGroup).balanceActions,
  customers: () => (require('./customers') as typeof customersGroup).customerActions,
  customer_sources: () => (require('./customer_sources') as typeof customerSourcesGroup).customerSourceActions,
  charges: () => (require('./charges') as typeof chargesGroup).chargeActions,
  payment_intents: () => (require('./payment_intents') as typeof paymentIntentsGroup).paymentIntentActions,
  refunds: () => (require('./refunds') as typeof refundsGroup).refundActions,
  invoices: () => (require('./invoices') as typeof invoicesGroup).invoiceActions,
  invoice_items: () => (require('./invoice_items') as typeof invoiceItemsGroup).invoiceItemActions,
  subscriptions: () => (require('./subscriptions') as typeof subscriptionsGroup).subscriptionActions,
  products: () => (require('./products') as typeof productsGroup).productActions,
  prices: () => (require('./prices') as typeof pricesGroup).priceActions,
  coupons: () => (require('./coupons') as typeof couponsGroup).couponActions,
  promotion_codes: () => (require('./promotion_codes') as typeof promotionCodesGroup).promotionCodeActions,
  payment_links: () => (require('./payment_links') as typeof paymentLinksGroup).paymentLinkActions,
  payment_methods: () => (require('./payment_methods') as typeof paymentMethodsGroup).paymentMethodActions,
  checkout_sessions: () => (require('./checkout_sessions') as typeof checkoutSessionsGroup).checkoutSessionActions,
  setup_intents: () => (require('./setup_intents') as typeof setupIntentsGroup).setupIntentActions,
  disputes: () => (require('./disputes') as typeof disputesGroup).disputeActions,
  payouts: () => (require('./payouts') as typeof payoutsGroup).payoutActions,
  credit_notes: () => (require('./credit_notes') as typeof creditNotesGroup).creditNoteActions,
  tax_rates: () => (require('./tax_rates') as typeof taxRatesGroup).taxRateActions,
  events: () => (require('./events') as typeof eventsGroup).eventActions,
  billing_meters: () => (require('./billing_meters') as typeof billingMetersGroup).billingMeterActions,
  transfers: () => (require('./transfers') as typeof transfersGroup).transferActions,
  raw: () => (require('./raw') as typeof rawGroup).rawActions,
};

export type ActionGroup = keyof typeof actionGroups;

/** The union of every action definition, each with its own key, input and output types. */
export type AnyCatalogueAction = ReturnType<(typeof actionGroups)[ActionGroup]>[number];

/** What the catalogue says of an action without loading its group: enough to list, search and route. */
export interface ActionSummary {
  key: string;
  group: ActionGroup;
  title: string;
  description: string;
}

/** Every action's summary, in catalogue order (generated from the declarations; see the file comment). */
export const catalogue = catalogueJson as readonly ActionSummary[];
