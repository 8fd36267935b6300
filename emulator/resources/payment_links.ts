/**
 * Payment links (params from Stripe's OpenAPI spec: POST /v1/payment_links,
 * POST /v1/payment_links/{payment_link}, GET /v1/payment_links,
 * GET /v1/payment_links/{payment_link}/line_items).
 *
 * A link sells 1 to 20 line items (price + quantity); each price must exist and be active, and all
 * share one currency (the link's). The line items are a sub-collection (`/line_items`, or
 * `expand[]=line_items`) of `item` objects carrying the price object and amounts. A link is never
 * deleted: `active=false` deactivates it (its url then shows inactive_message) and `active=true`
 * reactivates it. An update changes existing line items' quantities by line item id (prices cannot
 * be swapped). Parameters not modelled here (custom_fields, shipping_options, consent_collection,
 * invoice_creation, transfer_data...) are refused as unknown.
 */
import { invalidRequest, paramMissing } from '../errors';
import { emitEvent } from '../events';
import { checkListExpand, expandObject, parseExpand } from '../expand';
import { LIST_PARAMS } from '../routes';
import { applyUpdate, p, type Params, type ParamSpecs } from '../params';
import type { RequestContext, ResourceDefinition } from '../resource';
import { paginate, type StoredRecord } from '../store';
import { activePrice } from './prices';
import { EMPTY_METADATA_ON_CREATE } from './shared';

const MAX_LINE_ITEMS = 20;

/** The line items list takes limit and cursors (no created filter). It keeps the link's order, so it pages itself rather than with listOf. */
const { created: _created, ...LINE_ITEM_LIST_PARAMS } = LIST_PARAMS;

const ADJUSTABLE_QUANTITY = p.object({
  enabled: p.boolean({ required: true }),
  maximum: p.integer({ min: 1, max: 999999 }),
  minimum: p.integer({ min: 0, max: 999999 }),
});

const AFTER_COMPLETION = p.object({
  hosted_confirmation: p.object({ custom_message: p.string({ maxLength: 500 }) }),
  redirect: p.object({ url: p.string({ required: true, maxLength: 2048 }) }),
  type: p.enum(['hosted_confirmation', 'redirect'], { required: true }),
});

const COMMON: ParamSpecs = {
  active: p.boolean(),
  after_completion: AFTER_COMPLETION,
  allow_promotion_codes: p.boolean(),
  automatic_tax: p.object({ enabled: p.boolean({ required: true }) }),
  billing_address_collection: p.enum(['auto', 'required']),
  customer_creation: p.enum(['always', 'if_required']),
  inactive_message: p.string({ maxLength: 500 }),
  metadata: p.metadata(),
  payment_method_collection: p.enum(['always', 'if_required']),
  payment_method_types: p.array(p.string({ maxLength: 5000 }), { emptyable: true }),
  shipping_address_collection: p.object({ allowed_countries: p.array(p.string({ maxLength: 2 }), { required: true }) }, { emptyable: true }),
};

const CREATE_PARAMS: ParamSpecs = {
  ...COMMON,
  currency: p.currency(),
  line_items: p.array(
    p.object({ adjustable_quantity: ADJUSTABLE_QUANTITY, price: p.string({ required: true, maxLength: 5000 }), quantity: p.integer({ required: true, min: 1 }) }),
    { required: true, maxItems: MAX_LINE_ITEMS },
  ),
  phone_number_collection: p.object({ enabled: p.boolean({ required: true }) }),
  tax_id_collection: p.object({ enabled: p.boolean({ required: true }) }),
  payment_intent_data: p.object({
    capture_method: p.enum(['automatic', 'automatic_async', 'manual']),
    description: p.string({ maxLength: 1000 }),
    metadata: p.metadata(),
    setup_future_usage: p.enum(['off_session', 'on_session']),
    statement_descriptor: p.string({ maxLength: 22 }),
    statement_descriptor_suffix: p.string({ maxLength: 22 }),
    transfer_group: p.string({ maxLength: 5000 }),
  }),
  submit_type: p.enum(['auto', 'book', 'donate', 'pay']),
  subscription_data: p.object({
    description: p.string({ maxLength: 500 }),
    metadata: p.metadata(),
    trial_period_days: p.integer({ min: 1 }),
  }),
};

const UPDATE_PARAMS: ParamSpecs = {
  ...COMMON,
  line_items: p.array(p.object({ adjustable_quantity: ADJUSTABLE_QUANTITY, id: p.string({ required: true, maxLength: 5000 }), quantity: p.integer({ min: 1 }) }), {
    maxItems: MAX_LINE_ITEMS,
  }),
};

/** A payment link's line items: stored objects (`item`) reachable only through their link. */
export const paymentLinkLineItems: ResourceDefinition = {
  type: 'payment_link_line_item',
  idPrefix: 'li_',
  idLength: 24,
  events: false,
};

function afterCompletion(value: Params): Record<string, any> {
  if (value.type === 'redirect' && !value.redirect) throw paramMissing('after_completion[redirect]');
  return value.type === 'redirect'
    ? { redirect: { url: value.redirect.url }, type: 'redirect' }
    : { hosted_confirmation: { custom_message: value.hosted_confirmation?.custom_message ?? null }, type: 'hosted_confirmation' };
}

function amounts(item: Record<string, any>): void {
  const subtotal = (item.price.unit_amount ?? 0) * item.quantity;
  Object.assign(item, { amount_discount: 0, amount_subtotal: subtotal, amount_tax: 0, amount_total: subtotal });
}

function lineItemsOf(ctx: RequestContext, link: StoredRecord): StoredRecord[] {
  return (link.hidden.lineItems as string[]).map((id) => ctx.store.get(id, paymentLinkLineItems.type)!);
}

/** The line items list: in the link's own order (as Stripe lists them, not newest first), with cursors. */
function lineItemList(ctx: RequestContext, link: StoredRecord, params: Params): Record<string, any> {
  const itemTree = checkListExpand(ctx.registry, paymentLinkLineItems, parseExpand(params.expand));
  const page = paginate(ctx.store, paymentLinkLineItems.type, lineItemsOf(ctx, link), {
    limit: params.limit ?? 10,
    startingAfter: params.starting_after ?? undefined,
    endingBefore: params.ending_before ?? undefined,
    filter: () => true,
  });
  return {
    object: 'list',
    data: page.data.map((r) => expandObject(ctx, paymentLinkLineItems, r.object, itemTree)),
    has_more: page.hasMore,
    url: `/v1/payment_links/${link.id}/line_items`,
  };
}

export const paymentLinks: ResourceDefinition = {
  type: 'payment_link',
  idPrefix: 'plink_',
  idLength: 24,
  basePath: '/v1/payment_links',

  create: {
    params: CREATE_PARAMS,
    handle(ctx, params) {
      if (params.line_items.length === 0) throw paramMissing('line_items');
      // Look-ups first, so a failing request stores nothing.
      const priced = params.line_items.map((item: Params, i: number) => {
        const price = activePrice(ctx, item.price, `line_items[${i}][price]`).object;
        if (price.custom_unit_amount && item.quantity !== 1) {
          throw invalidRequest('A price with a custom unit amount must have a quantity of 1.', { param: `line_items[${i}][quantity]` });
        }
        return { item, price };
      });
      const currency: string = params.currency ?? priced[0].price.currency;
      priced.forEach(({ price }: { price: Record<string, any> }, i: number) => {
        if (price.currency !== currency) {
          throw invalidRequest(`All prices on a payment link must have the same currency (${currency}); line_items[${i}] is in ${price.currency}.`, {
            param: `line_items[${i}][price]`,
          });
        }
      });
      const after = params.after_completion ? afterCompletion(params.after_completion) : afterCompletion({ type: 'hosted_confirmation' });
      const id = ctx.ids.next(paymentLinks.idPrefix, paymentLinks.idLength);
      const lineItems = priced.map(({ item, price }: { item: Params; price: Record<string, any> }) => {
        const product = ctx.store.get(price.product, 'product');
        const object: Record<string, any> = {
          id: ctx.ids.next(paymentLinkLineItems.idPrefix, paymentLinkLineItems.idLength),
          object: 'item',
          currency: price.currency,
          description: product?.object.name ?? null,
          price: structuredClone(price),
          quantity: item.quantity,
        };
        amounts(object);
        return ctx.store.insert(paymentLinkLineItems.type, object, ctx.now, { adjustableQuantity: item.adjustable_quantity ?? null }).id;
      });
      const object = {
        id,
        object: 'payment_link',
        active: params.active ?? true,
        after_completion: after,
        allow_promotion_codes: params.allow_promotion_codes ?? false,
        application: null,
        application_fee_amount: null,
        application_fee_percent: null,
        automatic_tax: { enabled: params.automatic_tax?.enabled ?? false, liability: null },
        billing_address_collection: params.billing_address_collection ?? 'auto',
        consent_collection: null,
        currency,
        custom_fields: [],
        custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
        customer_creation: params.customer_creation ?? 'if_required',
        inactive_message: params.inactive_message ?? null,
        invoice_creation: null,
        livemode: ctx.livemode,
        metadata: EMPTY_METADATA_ON_CREATE(params.metadata),
        on_behalf_of: null,
        payment_intent_data: params.payment_intent_data
          ? { capture_method: 'automatic', description: null, metadata: {}, setup_future_usage: null, statement_descriptor: null, statement_descriptor_suffix: null, transfer_group: null, ...params.payment_intent_data }
          : null,
        payment_method_collection: params.payment_method_collection ?? 'always',
        payment_method_types: params.payment_method_types ?? null,
        phone_number_collection: { enabled: params.phone_number_collection?.enabled ?? false },
        restrictions: null,
        shipping_address_collection: params.shipping_address_collection ?? null,
        shipping_options: [],
        submit_type: params.submit_type ?? 'auto',
        subscription_data: params.subscription_data
          ? { description: null, invoice_settings: { issuer: { type: 'self' } }, metadata: {}, trial_period_days: null, trial_settings: null, ...params.subscription_data }
          : null,
        tax_id_collection: { enabled: params.tax_id_collection?.enabled ?? false },
        transfer_data: null,
        url: `https://buy.stripe.com/test_${id.slice(paymentLinks.idPrefix.length)}`,
      };
      return ctx.store.insert('payment_link', object, ctx.now, { lineItems });
    },
  },

  retrieve: {},

  update: {
    params: UPDATE_PARAMS,
    handle(ctx, record, params) {
      const link = record.object;
      const items = lineItemsOf(ctx, record);
      const changes = (params.line_items ?? []).map((change: Params, i: number) => {
        const item = items.find((r) => r.id === change.id);
        if (!item) {
          throw invalidRequest(`No such line item on payment link ${link.id}: '${change.id}'. Line items are updated by id; their prices cannot change.`, {
            code: 'resource_missing',
            param: `line_items[${i}][id]`,
          });
        }
        return { item, change };
      });
      const linkBefore = JSON.stringify(link);
      if (params.after_completion) link.after_completion = afterCompletion(params.after_completion);
      applyUpdate(link, params, [
        'active', 'allow_promotion_codes', 'billing_address_collection', 'customer_creation', 'inactive_message', 'metadata',
        'payment_method_collection', 'payment_method_types', 'shipping_address_collection',
      ]);
      if (params.automatic_tax) link.automatic_tax = { enabled: params.automatic_tax.enabled, liability: null };
      let itemsChanged = false;
      for (const { item, change } of changes) {
        const before = JSON.stringify([item.object, item.hidden]);
        if (change.quantity !== undefined) item.object.quantity = change.quantity;
        if (change.adjustable_quantity !== undefined) item.hidden.adjustableQuantity = change.adjustable_quantity;
        amounts(item.object);
        itemsChanged ||= JSON.stringify([item.object, item.hidden]) !== before;
      }
      // Line items are not part of the link object, so the generic update sees no change: record it here.
      if (itemsChanged && JSON.stringify(link) === linkBefore) emitEvent(ctx, 'payment_link.updated', link, structuredClone(link));
    },
  },

  list: {
    params: { active: p.boolean() },
    filter: (link, params) => params.active === undefined || link.active === params.active,
  },

  includable: {
    line_items: (ctx, link) => {
      const record = ctx.store.get(link.id, 'payment_link')!;
      return lineItemList(ctx, record, { limit: 100 });
    },
  },

  custom: [
    {
      method: 'GET',
      path: '/v1/payment_links/:payment_link/line_items',
      params: LINE_ITEM_LIST_PARAMS,
      handle(ctx, params, path) {
        const record = ctx.store.require('payment_link', path.payment_link!);
        return lineItemList(ctx, record, params);
      },
    },
  ],
};
