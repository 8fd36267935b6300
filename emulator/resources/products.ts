/**
 * Products (params from Stripe's OpenAPI spec: POST /v1/products, POST /v1/products/{id},
 * DELETE /v1/products/{id}, GET /v1/products, GET /v1/products/search).
 *
 * `default_price_data` creates the product's first price and makes it the default_price; an update
 * may point default_price at another active price of the same product (or unset it). A product that
 * has prices cannot be deleted (Stripe: archive it with active=false instead). A custom `id` must be
 * unique.
 *
 * Price data (checks and object building) lives here too, because default_price_data is a product
 * parameter: prices.ts imports this file and this file never imports prices.ts (no load cycle).
 */
import { invalidRequest, paramError, paramMissing } from '../errors';
import { emitEvent } from '../events';
import { applyUpdate, p, type Params, type ParamSpecs } from '../params';
import type { RequestContext, ResourceDefinition } from '../resource';
import type { StoredRecord } from '../store';
import { EMPTY_METADATA_ON_CREATE } from './shared';

/** Price ids (prices.ts defines the resource; price data is built here, see below). */
export const PRICE_ID_PREFIX = 'price_';

/** Stripe's custom ids for products (and coupons): letters, digits, - and _. */
export const CUSTOM_ID = /^[A-Za-z0-9_-]+$/;

export const RECURRING: ParamSpecs = {
  interval: p.enum(['day', 'month', 'week', 'year'], { required: true }),
  interval_count: p.integer({ min: 1 }),
};

/** What a price's amount and recurrence are made of: `default_price_data` here, the base of POST /v1/prices. */
export const PRICE_DATA_FIELDS: ParamSpecs = {
  currency: p.currency({ required: true }),
  recurring: p.object({ ...RECURRING }),
  tax_behavior: p.enum(['exclusive', 'inclusive', 'unspecified']),
  unit_amount: p.integer({ min: 0 }),
  unit_amount_decimal: p.string({ maxLength: 5000, emptyable: false }),
};

/** The fields a product is made of, also `product_data` on prices (without description, images...). */
export const PRODUCT_DATA_FIELDS: ParamSpecs = {
  active: p.boolean(),
  id: p.string({ maxLength: 5000, emptyable: false }),
  metadata: p.metadata(),
  name: p.string({ required: true, maxLength: 5000 }),
  statement_descriptor: p.string({ maxLength: 22 }),
  tax_code: p.string({ maxLength: 5000 }),
  unit_label: p.string({ maxLength: 12 }),
};

const PACKAGE_DIMENSIONS = p.object(
  {
    height: p.string({ required: true, emptyable: false }),
    length: p.string({ required: true, emptyable: false }),
    weight: p.string({ required: true, emptyable: false }),
    width: p.string({ required: true, emptyable: false }),
  },
  { emptyable: true },
);

const COMMON: ParamSpecs = {
  active: p.boolean(),
  description: p.string({ maxLength: 40000 }),
  images: p.array(p.string({ maxLength: 5000 }), { maxItems: 8, emptyable: true }),
  marketing_features: p.array(p.object({ name: p.string({ required: true, maxLength: 5000 }) }), { maxItems: 15, emptyable: true }),
  metadata: p.metadata(),
  name: p.string({ maxLength: 5000 }),
  package_dimensions: PACKAGE_DIMENSIONS,
  shippable: p.boolean(),
  statement_descriptor: p.string({ maxLength: 22 }),
  tax_code: p.string({ maxLength: 5000 }),
  unit_label: p.string({ maxLength: 12 }),
  url: p.string({ maxLength: 5000 }),
};

const CREATE_PARAMS: ParamSpecs = {
  ...COMMON,
  name: p.string({ required: true, maxLength: 5000 }),
  id: p.string({ maxLength: 5000, emptyable: false }),
  default_price_data: p.object(PRICE_DATA_FIELDS),
};

const UPDATE_PARAMS: ParamSpecs = { ...COMMON, default_price: p.string({ maxLength: 5000 }) };

/** A decimal number sent as a string (`12.5`), with at most `places` decimal places, or Stripe's 400. */
export function parseDecimal(value: string, param: string, places = 12): number {
  if (!new RegExp(`^\\d+(\\.\\d{1,${places}})?$`).test(value)) {
    throw paramError(`Invalid decimal: ${value.slice(0, 60)}`, undefined, param);
  }
  return Number(value);
}

/** At most three years between bills (docs.stripe.com/api/prices/create: 3 years, 36 months, 156 weeks). */
const MAX_INTERVAL_COUNT: Record<string, number> = { day: 1095, week: 156, month: 36, year: 3 };

/**
 * Stripe's rules for a price's amount and recurrence (POST /v1/prices, or a product's
 * default_price_data, reported with `prefix`). Only checks, so a refused request stores nothing.
 */
export function checkPriceData(params: Params, prefix = ''): void {
  const name = (field: string) => (prefix ? `${prefix}[${field}]` : field);
  if (params.billing_scheme === 'tiered') {
    throw invalidRequest('Tiered prices are not supported by this emulator; use billing_scheme=per_unit.', { param: 'billing_scheme' });
  }
  const custom = params.custom_unit_amount;
  const hasAmount = params.unit_amount !== undefined || params.unit_amount_decimal !== undefined;
  if (params.unit_amount !== undefined && params.unit_amount_decimal !== undefined) {
    throw paramError('You may only specify one of these parameters: unit_amount, unit_amount_decimal.', 'parameters_exclusive', name('unit_amount'));
  }
  if (params.unit_amount_decimal !== undefined) parseDecimal(params.unit_amount_decimal, name('unit_amount_decimal'));
  if (custom?.enabled) {
    if (hasAmount) {
      throw paramError('You may only specify one of these parameters: custom_unit_amount, unit_amount.', 'parameters_exclusive', 'custom_unit_amount');
    }
    if (params.recurring) {
      throw invalidRequest('custom_unit_amount is not supported for recurring prices.', { param: 'custom_unit_amount' });
    }
    const { minimum, maximum, preset } = custom;
    if (minimum !== undefined && maximum !== undefined && minimum > maximum) {
      throw invalidRequest('custom_unit_amount[minimum] must be less than or equal to custom_unit_amount[maximum].', { param: 'custom_unit_amount[minimum]' });
    }
    if (preset !== undefined && ((minimum !== undefined && preset < minimum) || (maximum !== undefined && preset > maximum))) {
      throw invalidRequest('custom_unit_amount[preset] must be between the minimum and the maximum.', { param: 'custom_unit_amount[preset]' });
    }
  } else if (!hasAmount) {
    throw paramMissing(name('unit_amount'));
  }
  const recurring = params.recurring;
  if (recurring && (recurring.interval_count ?? 1) > MAX_INTERVAL_COUNT[recurring.interval]!) {
    throw invalidRequest(
      `The maximum billing interval is three years (3 years, 36 months or 156 weeks); got ${recurring.interval_count} ${recurring.interval}s.`,
      { param: name('recurring[interval_count]') },
    );
  }
}

/** Builds and stores a price of `product` from price data that checkPriceData accepted. */
export function insertPrice(ctx: RequestContext, product: string, params: Params): StoredRecord {
  return ctx.store.insert('price', priceObject(ctx, product, params), ctx.now);
}

/** The price object for `product` from price data (stored by insertPrice; inline prices are not stored). */
export function priceObject(ctx: RequestContext, product: string, params: Params): Record<string, any> {
  const custom = params.custom_unit_amount?.enabled ? params.custom_unit_amount : undefined;
  const decimal = params.unit_amount_decimal !== undefined ? Number(params.unit_amount_decimal) : undefined;
  const r = params.recurring;
  return {
    id: ctx.ids.next(PRICE_ID_PREFIX, 24),
    object: 'price',
    active: params.active ?? true,
    billing_scheme: 'per_unit',
    created: ctx.now,
    currency: params.currency,
    custom_unit_amount: custom ? { maximum: custom.maximum ?? null, minimum: custom.minimum ?? null, preset: custom.preset ?? null } : null,
    livemode: ctx.livemode,
    lookup_key: params.lookup_key ?? null,
    metadata: EMPTY_METADATA_ON_CREATE(params.metadata),
    nickname: params.nickname ?? null,
    product,
    recurring: r
      ? {
          interval: r.interval,
          interval_count: r.interval_count ?? 1,
          meter: r.meter ?? null,
          trial_period_days: null,
          usage_type: r.usage_type ?? 'licensed',
        }
      : null,
    tax_behavior: params.tax_behavior ?? 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: r ? 'recurring' : 'one_time',
    // A fractional unit_amount_decimal has no integer unit_amount (Stripe answers null).
    unit_amount: custom ? null : (params.unit_amount ?? (Number.isInteger(decimal) ? decimal : null)),
    unit_amount_decimal: custom ? null : (params.unit_amount_decimal ?? String(params.unit_amount)),
  };
}

/** Checks product data (POST /v1/products, or a price's product_data) before anything is stored. */
export function checkProductData(ctx: RequestContext, params: Params, prefix = ''): void {
  const name = (field: string) => (prefix ? `${prefix}[${field}]` : field);
  if (params.name === null) throw paramError('A product must have a name.', 'parameter_invalid_empty', name('name'));
  if (params.id === undefined) return;
  if (!CUSTOM_ID.test(params.id)) {
    throw paramError(`Invalid id: ${params.id.slice(0, 60)}. Ids may only contain letters, digits, - and _.`, undefined, name('id'));
  }
  if (ctx.store.get(params.id)) throw invalidRequest('Product already exists.', { code: 'resource_already_exists', param: name('id') });
}

/** Builds and stores a product from product data that checkProductData accepted. */
export function insertProduct(ctx: RequestContext, params: Params): StoredRecord {
  const object = {
    id: params.id ?? ctx.ids.next(products.idPrefix, products.idLength),
    object: 'product',
    active: params.active ?? true,
    created: ctx.now,
    default_price: null as string | null,
    description: params.description ?? null,
    images: params.images ?? [],
    livemode: ctx.livemode,
    marketing_features: params.marketing_features ?? [],
    metadata: EMPTY_METADATA_ON_CREATE(params.metadata),
    name: params.name,
    package_dimensions: params.package_dimensions ?? null,
    shippable: params.shippable ?? null,
    statement_descriptor: params.statement_descriptor ?? null,
    tax_code: params.tax_code ?? null,
    type: 'service',
    unit_label: params.unit_label ?? null,
    updated: ctx.now,
    url: params.url ?? null,
  };
  return ctx.store.insert('product', object, ctx.now);
}

export const products: ResourceDefinition = {
  type: 'product',
  idPrefix: 'prod_',
  idLength: 14,
  basePath: '/v1/products',

  create: {
    params: CREATE_PARAMS,
    handle(ctx, params) {
      checkProductData(ctx, params);
      if (params.default_price_data) checkPriceData(params.default_price_data, 'default_price_data');
      const record = insertProduct(ctx, params);
      if (params.default_price_data) {
        const price = insertPrice(ctx, record.id, params.default_price_data);
        record.object.default_price = price.id;
        // As on Stripe: the product (with its default_price) first, then its price.
        emitEvent(ctx, 'product.created', record.object);
        emitEvent(ctx, 'price.created', price.object);
      } else emitEvent(ctx, 'product.created', record.object);
      return record;
    },
  },

  // product.created is recorded by the create handler (before the default price's price.created).
  events: { created: false },

  retrieve: {},

  update: {
    params: UPDATE_PARAMS,
    handle(ctx, record, params) {
      const product = record.object;
      if (params.name === null) throw paramError('A product must have a name.', 'parameter_invalid_empty', 'name');
      if (params.default_price) {
        const price = ctx.store.require('price', params.default_price, 'default_price', 400);
        if (price.object.product !== product.id) {
          throw invalidRequest(`The price \`${price.id}\` does not belong to product \`${product.id}\`.`, { param: 'default_price' });
        }
        if (!price.object.active) {
          throw invalidRequest('The price specified is inactive. This field only accepts active prices.', { param: 'default_price' });
        }
      }
      const before = JSON.stringify(product);
      applyUpdate(product, params, [
        'active', 'default_price', 'description', 'metadata', 'name', 'package_dimensions', 'shippable',
        'statement_descriptor', 'tax_code', 'unit_label', 'url',
      ]);
      if ('images' in params) product.images = params.images ?? [];
      if ('marketing_features' in params) product.marketing_features = params.marketing_features ?? [];
      // `updated` moves only with a real change (a no-op update records no product.updated either).
      if (JSON.stringify(product) !== before) product.updated = ctx.now;
    },
  },

  del: {
    handle(ctx, record) {
      if (ctx.store.live('price').some((price) => price.object.product === record.id)) {
        throw invalidRequest('This product cannot be deleted because it has one or more user-created prices.');
      }
    },
  },

  list: {
    params: {
      active: p.boolean(),
      ids: p.array(p.string({ maxLength: 5000 })),
      shippable: p.boolean(),
      url: p.string({ maxLength: 5000, emptyable: false }),
    },
    filter: (product, params) =>
      (params.active === undefined || product.active === params.active) &&
      (params.ids === undefined || params.ids.includes(product.id)) &&
      (params.shippable === undefined || product.shippable === params.shippable) &&
      (params.url === undefined || product.url === params.url),
  },

  search: {
    fields: {
      active: { kind: 'boolean' },
      created: { kind: 'number' },
      description: { kind: 'string', caseInsensitive: true, substring: true },
      metadata: { kind: 'metadata' },
      name: { kind: 'string', caseInsensitive: true, substring: true },
      shippable: { kind: 'boolean' },
      url: { kind: 'string', substring: true },
    },
  },

  expandable: { default_price: { types: ['price'] } },
};
