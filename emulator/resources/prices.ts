/**
 * Prices (params from Stripe's OpenAPI spec: POST /v1/prices, POST /v1/prices/{price},
 * GET /v1/prices, GET /v1/prices/search).
 *
 * A price belongs to a product (`product`, or a new one made from `product_data`); it is one_time or
 * recurring (`recurring[interval]`). Its amount, currency and recurrence are fixed at creation: the
 * update endpoint does not take them (an unknown parameter, as on Stripe). A lookup key is unique
 * among prices; `transfer_lookup_key` moves it. The default price of a product cannot be archived.
 * Tiered prices are not modelled (billing_scheme=tiered is refused as unsupported). Since API
 * 2025-03-31.basil legacy metered billing is gone: no recurring[aggregate_usage] (a metered price
 * names a billing meter).
 */
import { invalidRequest, paramError } from '../errors';
import { emitEvent } from '../events';
import { applyUpdate, p, type ParamSpecs } from '../params';
import type { RequestContext, ResourceDefinition } from '../resource';
import type { StoredRecord } from '../store';
import {
  checkPriceData,
  checkProductData,
  insertPrice,
  insertProduct,
  PRICE_DATA_FIELDS,
  PRICE_ID_PREFIX,
  PRODUCT_DATA_FIELDS,
  RECURRING,
} from './products';

const CREATE_PARAMS: ParamSpecs = {
  ...PRICE_DATA_FIELDS,
  recurring: p.object({
    ...RECURRING,
    meter: p.string({ maxLength: 5000 }),
    usage_type: p.enum(['licensed', 'metered']),
  }),
  active: p.boolean(),
  billing_scheme: p.enum(['per_unit', 'tiered']),
  custom_unit_amount: p.object({
    enabled: p.boolean({ required: true }),
    maximum: p.integer({ min: 0 }),
    minimum: p.integer({ min: 0 }),
    preset: p.integer({ min: 0 }),
  }),
  lookup_key: p.string({ maxLength: 200 }),
  metadata: p.metadata(),
  nickname: p.string({ maxLength: 5000 }),
  product: p.id('product'),
  product_data: p.object(PRODUCT_DATA_FIELDS),
  transfer_lookup_key: p.boolean(),
};

const UPDATE_PARAMS: ParamSpecs = {
  active: p.boolean(),
  lookup_key: p.string({ maxLength: 200 }),
  metadata: p.metadata(),
  nickname: p.string({ maxLength: 5000 }),
  tax_behavior: p.enum(['exclusive', 'inclusive', 'unspecified']),
  transfer_lookup_key: p.boolean(),
};

/**
 * A lookup key is unique among prices: another price holding it is an error, unless the key is
 * transferred (taken from the other price). `checkOnly` refuses without changing anything.
 */
function claimLookupKey(ctx: RequestContext, key: string, transfer: boolean, self: string | undefined, checkOnly = false): void {
  const holder = ctx.store.live('price').find((r) => r.object.lookup_key === key && r.id !== self);
  if (!holder) return;
  if (!transfer) {
    throw invalidRequest(`A price (\`${holder.id}\`) already uses that lookup key.`, { param: 'lookup_key' });
  }
  if (!checkOnly) holder.object.lookup_key = null;
}

/**
 * The price a request names for something to sell (payment links, checkout, subscriptions): it
 * must exist (400 "No such price") and be active.
 */
export function activePrice(ctx: RequestContext, id: string, param: string): StoredRecord {
  const record = ctx.store.require('price', id, param, 400);
  if (!record.object.active) {
    throw invalidRequest('The price specified is inactive. This field only accepts active prices.', { param });
  }
  return record;
}

export const prices: ResourceDefinition = {
  type: 'price',
  idPrefix: PRICE_ID_PREFIX,
  idLength: 24,
  basePath: '/v1/prices',

  create: {
    params: CREATE_PARAMS,
    handle(ctx, params) {
      if ((params.product === undefined) === (params.product_data === undefined)) {
        throw paramError(
          params.product === undefined
            ? 'You must specify either `product` or `product_data` when creating a price.'
            : 'You may only specify one of these parameters: product, product_data.',
          params.product === undefined ? 'parameter_missing' : 'parameters_exclusive',
          'product',
        );
      }
      // Every check before anything is stored: a refused request leaves no product behind.
      if (params.product) ctx.store.require('product', params.product, 'product', 400);
      else checkProductData(ctx, params.product_data, 'product_data');
      checkPriceData(params);
      if (params.lookup_key) claimLookupKey(ctx, params.lookup_key, params.transfer_lookup_key === true, undefined, true);
      let product: string = params.product;
      if (!product) {
        const created = insertProduct(ctx, params.product_data);
        emitEvent(ctx, 'product.created', created.object);
        product = created.id;
      }
      const record = insertPrice(ctx, product, params);
      if (params.lookup_key) claimLookupKey(ctx, params.lookup_key, true, record.id);
      return record;
    },
  },

  retrieve: {},

  update: {
    params: UPDATE_PARAMS,
    handle(ctx, record, params) {
      const price = record.object;
      if (params.active === false && price.active) {
        const product = ctx.store.get(price.product, 'product');
        if (product && !product.deleted && product.object.default_price === price.id) {
          throw invalidRequest('This price cannot be archived because it is the default price of its product.', { param: 'active' });
        }
      }
      if ('tax_behavior' in params && price.tax_behavior !== 'unspecified' && params.tax_behavior !== price.tax_behavior) {
        throw invalidRequest('tax_behavior cannot be changed once it is set to exclusive or inclusive.', { param: 'tax_behavior' });
      }
      if (params.lookup_key) claimLookupKey(ctx, params.lookup_key, params.transfer_lookup_key === true, price.id);
      applyUpdate(price, params, ['active', 'lookup_key', 'metadata', 'nickname', 'tax_behavior']);
    },
  },

  list: {
    params: {
      active: p.boolean(),
      currency: p.currency({ emptyable: false }),
      lookup_keys: p.array(p.string({ maxLength: 5000 }), { maxItems: 10 }),
      product: p.string({ maxLength: 5000, emptyable: false }),
      recurring: p.object({
        interval: p.enum(['day', 'month', 'week', 'year']),
        meter: p.string({ maxLength: 5000 }),
        usage_type: p.enum(['licensed', 'metered']),
      }),
      type: p.enum(['one_time', 'recurring']),
    },
    filter: (price, params) =>
      (params.active === undefined || price.active === params.active) &&
      (params.currency === undefined || price.currency === params.currency) &&
      (params.lookup_keys === undefined || params.lookup_keys.includes(price.lookup_key)) &&
      (params.product === undefined || price.product === params.product) &&
      (params.type === undefined || price.type === params.type) &&
      (params.recurring === undefined ||
        (price.recurring !== null &&
          (params.recurring.interval === undefined || price.recurring.interval === params.recurring.interval) &&
          (params.recurring.usage_type === undefined || price.recurring.usage_type === params.recurring.usage_type) &&
          (params.recurring.meter === undefined || price.recurring.meter === params.recurring.meter))),
  },

  search: {
    fields: {
      active: { kind: 'boolean' },
      created: { kind: 'number' },
      currency: { kind: 'string', caseInsensitive: true },
      lookup_key: { kind: 'string' },
      metadata: { kind: 'metadata' },
      product: { kind: 'string' },
      type: { kind: 'string' },
    },
  },

  expandable: { product: { types: ['product'] } },
};
