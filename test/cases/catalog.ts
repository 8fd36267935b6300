import { caught } from '../support/harness';
import type { ActionCase, CaseContext } from './types';

const product = (ctx: CaseContext, fields: Record<string, unknown> = {}) => ctx.run('create_product', { name: 'T-shirt', ...fields });
const price = async (ctx: CaseContext, fields: Record<string, unknown> = {}) =>
  ctx.run('create_price', { product: (await product(ctx)).id, currency: 'usd', unit_amount: 1500, ...fields });

export const cases: ActionCase[] = [
  // Products
  {
    key: 'create_product',
    input: () => ({
      name: 'Pro plan',
      description: 'Everything included',
      metadata: { tier: 'pro' },
      default_price_data: { currency: 'eur', unit_amount: 900, recurring: { interval: 'month' } },
      idempotency_key: 'product-pro',
    }),
    request: () => ({ method: 'POST', path: '/v1/products' }),
    check: async (result, _input, ctx) => {
      expect(result).toMatchObject({ object: 'product', name: 'Pro plan', active: true, metadata: { tier: 'pro' } });
      expect(result.id).toMatch(/^prod_/);
      expect(result.default_price).toMatch(/^price_/);
      const defaultPrice = await ctx.run('retrieve_price', { price_id: result.default_price });
      expect(defaultPrice).toMatchObject({ product: result.id, type: 'recurring', unit_amount: 900, currency: 'eur', recurring: { interval: 'month', interval_count: 1 } });
    },
    invalid: { input: { name: 'X', default_price_data: { currency: 'usd' } }, field: 'default_price_data.unit_amount' },
  },
  {
    key: 'retrieve_product',
    input: async (ctx) => ({ product_id: (await product(ctx)).id }),
    request: (input) => ({ method: 'GET', path: `/v1/products/${input.product_id}` }),
    check: (result, input) => expect(result).toMatchObject({ id: input.product_id, object: 'product', name: 'T-shirt' }),
    invalid: { input: { product_id: 'price_123' }, field: 'product_id' },
  },
  {
    key: 'update_product',
    input: async (ctx) => {
      const created = await product(ctx, { description: 'Cotton', default_price_data: { currency: 'usd', unit_amount: 1000 } });
      return { product_id: created.id, active: false, description: null, default_price: null, metadata: { colour: 'red' } };
    },
    request: (input) => ({ method: 'POST', path: `/v1/products/${input.product_id}` }),
    check: (result) => expect(result).toMatchObject({ active: false, description: null, default_price: null, metadata: { colour: 'red' } }),
    invalid: { input: { product_id: 'prod_1', default_price: 'prod_2' }, field: 'default_price' },
  },
  {
    key: 'delete_product',
    input: async (ctx) => ({ product_id: (await product(ctx)).id }),
    request: (input) => ({ method: 'DELETE', path: `/v1/products/${input.product_id}` }),
    check: async (result, input, ctx) => {
      expect(result).toEqual({ id: input.product_id, object: 'product', deleted: true });
      // Unlike a customer, a deleted product is gone: Stripe answers 404.
      expect(await caught(ctx.run('retrieve_product', { product_id: input.product_id }))).toMatchObject({ statusCode: 404, code: 'resource_missing' });
    },
    invalid: { input: { product_id: 'cus_1' }, field: 'product_id' },
  },
  {
    key: 'list_products',
    input: async (ctx) => {
      await product(ctx, { name: 'Archived', active: false });
      await product(ctx, { name: 'Mug', shippable: true });
      return { active: true, shippable: true, limit: 5 };
    },
    request: () => ({ method: 'GET', path: '/v1/products' }),
    check: (result) => {
      expect(result.data.map((p: any) => p.name)).toEqual(['Mug']);
      expect(result.has_more).toBe(false);
    },
    invalid: { input: { ids: ['price_1'] }, field: 'ids.0' },
  },
  {
    key: 'search_products',
    input: async (ctx) => {
      await product(ctx, { name: 'Blue hoodie', metadata: { sku: 'H-1' } });
      await product(ctx, { name: 'Red cap' });
      return { query: "name~'hoodie' AND metadata['sku']:'H-1'" };
    },
    request: () => ({ method: 'GET', path: '/v1/products/search' }),
    check: (result) => expect(result.data.map((p: any) => p.name)).toEqual(['Blue hoodie']),
    invalid: { input: { query: '' }, field: 'query' },
  },

  // Prices
  {
    key: 'create_price',
    input: async (ctx) => ({
      product: (await product(ctx)).id,
      currency: 'USD',
      unit_amount: 2500,
      recurring: { interval: 'month', interval_count: 3 },
      nickname: 'Quarterly',
      lookup_key: 'tshirt_quarterly',
      tax_behavior: 'exclusive',
      metadata: { plan: 'q' },
    }),
    request: () => ({ method: 'POST', path: '/v1/prices' }),
    check: (result, input) =>
      expect(result).toMatchObject({
        object: 'price',
        product: input.product,
        currency: 'usd',
        unit_amount: 2500,
        type: 'recurring',
        recurring: { interval: 'month', interval_count: 3 },
        lookup_key: 'tshirt_quarterly',
        tax_behavior: 'exclusive',
        active: true,
      }),
    invalid: { input: { product: 'prod_1', product_data: { name: 'X' }, currency: 'usd', unit_amount: 100 }, field: 'product' },
  },
  {
    key: 'retrieve_price',
    input: async (ctx) => ({ price_id: (await price(ctx)).id, expand: ['product'] }),
    request: (input) => ({ method: 'GET', path: `/v1/prices/${input.price_id}` }),
    check: (result, input) => expect(result).toMatchObject({ id: input.price_id, type: 'one_time', product: { object: 'product', name: 'T-shirt' } }),
    invalid: { input: { price_id: 'plan_123' }, field: 'price_id' },
  },
  {
    key: 'update_price',
    input: async (ctx) => ({ price_id: (await price(ctx, { nickname: 'Old' })).id, active: false, nickname: null, lookup_key: 'retired', metadata: { a: '1' } }),
    request: (input) => ({ method: 'POST', path: `/v1/prices/${input.price_id}` }),
    check: (result) => expect(result).toMatchObject({ active: false, nickname: null, lookup_key: 'retired', metadata: { a: '1' }, unit_amount: 1500 }),
    invalid: { input: { price_id: 'price_1', tax_behavior: 'sometimes' }, field: 'tax_behavior' },
  },
  {
    key: 'list_prices',
    input: async (ctx) => {
      const p = await product(ctx);
      await ctx.run('create_price', { product: p.id, currency: 'usd', unit_amount: 500 });
      await ctx.run('create_price', { product: p.id, currency: 'usd', unit_amount: 900, recurring: { interval: 'year' } });
      return { product: p.id, type: 'recurring', recurring: { interval: 'year' } };
    },
    request: () => ({ method: 'GET', path: '/v1/prices' }),
    check: (result) => expect(result.data.map((p: any) => p.unit_amount)).toEqual([900]),
    invalid: { input: { type: 'monthly' }, field: 'type' },
  },
  {
    key: 'search_prices',
    input: async (ctx) => {
      await price(ctx, { lookup_key: 'basic' });
      await price(ctx, { lookup_key: 'premium' });
      return { query: "lookup_key:'premium' AND active:'true'", limit: 5 };
    },
    request: () => ({ method: 'GET', path: '/v1/prices/search' }),
    check: (result) => expect(result.data.map((p: any) => p.lookup_key)).toEqual(['premium']),
    invalid: { input: { query: 'x', limit: 500 }, field: 'limit' },
  },

  // Coupons
  {
    key: 'create_coupon',
    input: () => ({ id: 'SUMMER-25', percent_off: 25.5, duration: 'repeating', duration_in_months: 3, max_redemptions: 100, name: 'Summer sale', metadata: { campaign: 'summer' } }),
    request: () => ({ method: 'POST', path: '/v1/coupons' }),
    check: (result) =>
      expect(result).toMatchObject({
        id: 'SUMMER-25', object: 'coupon', percent_off: 25.5, amount_off: null, duration: 'repeating', duration_in_months: 3,
        max_redemptions: 100, times_redeemed: 0, valid: true, name: 'Summer sale',
      }),
    invalid: { input: { amount_off: 500, duration: 'once' }, field: 'currency' },
  },
  {
    key: 'retrieve_coupon',
    input: async (ctx) => ({ coupon_id: (await ctx.run('create_coupon', { id: 'WELCOME-5', amount_off: 500, currency: 'usd' })).id, expand: ['applies_to'] }),
    request: (input) => ({ method: 'GET', path: `/v1/coupons/${input.coupon_id}` }),
    check: (result) => {
      expect(result).toMatchObject({ id: 'WELCOME-5', amount_off: 500, currency: 'usd', duration: 'once' });
      // Not limited to products: nothing to include, even when expanded.
      expect(result).not.toHaveProperty('applies_to');
    },
    invalid: { input: { coupon_id: 'has space' }, field: 'coupon_id' },
  },
  {
    key: 'update_coupon',
    input: async (ctx) => ({ coupon_id: (await ctx.run('create_coupon', { percent_off: 10, name: 'Ten' })).id, name: null, metadata: { a: '1' } }),
    request: (input) => ({ method: 'POST', path: `/v1/coupons/${input.coupon_id}` }),
    check: (result) => expect(result).toMatchObject({ name: null, metadata: { a: '1' }, percent_off: 10 }),
    invalid: { input: { coupon_id: 'X', percent_off: 20 }, field: 'percent_off' },
  },
  {
    key: 'delete_coupon',
    input: async (ctx) => ({ coupon_id: (await ctx.run('create_coupon', { id: 'gone_soon', percent_off: 5, duration: 'forever' })).id }),
    request: (input) => ({ method: 'DELETE', path: `/v1/coupons/${input.coupon_id}` }),
    check: (result) => expect(result).toEqual({ id: 'gone_soon', object: 'coupon', deleted: true }),
    invalid: { input: { coupon_id: '../customers' }, field: 'coupon_id' },
  },
  {
    key: 'list_coupons',
    input: async (ctx) => {
      await ctx.run('create_coupon', { percent_off: 5 });
      await ctx.run('create_coupon', { percent_off: 15 });
      return { limit: 1 };
    },
    request: () => ({ method: 'GET', path: '/v1/coupons' }),
    check: (result) => {
      expect(result.data.map((c: any) => c.percent_off)).toEqual([15]);
      expect(result.has_more).toBe(true);
    },
    invalid: { input: { created: { after: 1 } }, field: 'created.after' },
  },

  // Promotion codes
  {
    key: 'create_promotion_code',
    input: async (ctx) => ({
      promotion: { coupon: (await ctx.run('create_coupon', { id: 'FALL', percent_off: 20 })).id },
      code: 'FALL20',
      max_redemptions: 50,
      restrictions: { first_time_transaction: true, minimum_amount: 2000, minimum_amount_currency: 'usd' },
      metadata: { channel: 'newsletter' },
    }),
    request: () => ({ method: 'POST', path: '/v1/promotion_codes' }),
    check: (result) => {
      expect(result.id).toMatch(/^promo_/);
      expect(result).toMatchObject({
        object: 'promotion_code', code: 'FALL20', active: true, promotion: { type: 'coupon', coupon: 'FALL' }, max_redemptions: 50, times_redeemed: 0,
        restrictions: { first_time_transaction: true, minimum_amount: 2000, minimum_amount_currency: 'usd' },
      });
    },
    invalid: { input: { promotion: { coupon: 'FALL' }, restrictions: { minimum_amount: 2000 } }, field: 'restrictions.minimum_amount_currency' },
  },
  {
    key: 'retrieve_promotion_code',
    input: async (ctx) => {
      await ctx.run('create_coupon', { id: 'TEN', percent_off: 10 });
      return { promotion_code_id: (await ctx.run('create_promotion_code', { promotion: { coupon: 'TEN' } })).id, expand: ['promotion.coupon'] };
    },
    request: (input) => ({ method: 'GET', path: `/v1/promotion_codes/${input.promotion_code_id}` }),
    check: (result, input) => {
      expect(result).toMatchObject({ id: input.promotion_code_id, promotion: { type: 'coupon', coupon: { id: 'TEN', percent_off: 10 } }, active: true });
      expect(result.code).toMatch(/^[A-Z0-9]{8}$/);
    },
    invalid: { input: { promotion_code_id: 'TEN' }, field: 'promotion_code_id' },
  },
  {
    key: 'list_promotion_codes',
    input: async (ctx) => {
      await ctx.run('create_coupon', { id: 'A', percent_off: 10 });
      await ctx.run('create_coupon', { id: 'B', percent_off: 20 });
      await ctx.run('create_promotion_code', { promotion: { coupon: 'A' }, code: 'ALPHA' });
      await ctx.run('create_promotion_code', { promotion: { coupon: 'B' }, code: 'BRAVO' });
      return { coupon: 'B', active: true, code: 'bravo' };
    },
    request: () => ({ method: 'GET', path: '/v1/promotion_codes' }),
    check: (result) => expect(result.data.map((p: any) => p.code)).toEqual(['BRAVO']),
    invalid: { input: { customer: 'acct_1' }, field: 'customer' },
  },

  // Payment links
  {
    key: 'create_payment_link',
    input: async (ctx) => ({
      line_items: [
        { price: (await price(ctx)).id, quantity: 2, adjustable_quantity: { enabled: true, maximum: 5 } },
        { price: (await price(ctx, { unit_amount: 300 })).id, quantity: 1 },
      ],
      after_completion: { type: 'redirect', redirect: { url: 'https://example.com/thanks' } },
      allow_promotion_codes: true,
      metadata: { campaign: 'spring' },
    }),
    request: () => ({ method: 'POST', path: '/v1/payment_links' }),
    check: async (result, _input, ctx) => {
      expect(result).toMatchObject({
        object: 'payment_link', active: true, currency: 'usd', allow_promotion_codes: true,
        after_completion: { type: 'redirect', redirect: { url: 'https://example.com/thanks' } }, metadata: { campaign: 'spring' },
      });
      expect(result.url).toMatch(/^https:\/\/buy\.stripe\.com\/test_/);
      const items = await ctx.run('list_payment_link_line_items', { payment_link_id: result.id });
      expect(items.data.map((i: any) => [i.quantity, i.amount_total])).toEqual([[2, 3000], [1, 300]]);
    },
    invalid: {
      input: { line_items: [{ price: 'price_1', quantity: 1 }], after_completion: { type: 'redirect' } },
      field: 'after_completion.redirect',
    },
  },
  {
    key: 'retrieve_payment_link',
    input: async (ctx) => ({
      payment_link_id: (await ctx.run('create_payment_link', { line_items: [{ price: (await price(ctx)).id, quantity: 1 }] })).id,
      expand: ['line_items'],
    }),
    request: (input) => ({ method: 'GET', path: `/v1/payment_links/${input.payment_link_id}` }),
    check: (result, input) => {
      expect(result).toMatchObject({ id: input.payment_link_id, object: 'payment_link', active: true });
      expect(result.line_items.data).toEqual([expect.objectContaining({ object: 'item', quantity: 1, amount_total: 1500, description: 'T-shirt' })]);
    },
    invalid: { input: { payment_link_id: 'pl_1' }, field: 'payment_link_id' },
  },
  {
    key: 'update_payment_link',
    input: async (ctx) => {
      const link = await ctx.run('create_payment_link', { line_items: [{ price: (await price(ctx)).id, quantity: 1 }] });
      const items = await ctx.run('list_payment_link_line_items', { payment_link_id: link.id });
      return {
        payment_link_id: link.id,
        line_items: [{ id: items.data[0].id, quantity: 3 }],
        allow_promotion_codes: true,
        inactive_message: 'Sold out',
        metadata: { batch: '2' },
      };
    },
    request: (input) => ({ method: 'POST', path: `/v1/payment_links/${input.payment_link_id}` }),
    check: async (result, input, ctx) => {
      expect(result).toMatchObject({ allow_promotion_codes: true, inactive_message: 'Sold out', metadata: { batch: '2' } });
      const items = await ctx.run('list_payment_link_line_items', { payment_link_id: input.payment_link_id });
      expect(items.data[0]).toMatchObject({ quantity: 3, amount_total: 4500 });
    },
    invalid: { input: { payment_link_id: 'plink_1', line_items: [{ id: 'price_1', quantity: 2 }] }, field: 'line_items.0.id' },
  },
  {
    key: 'deactivate_payment_link',
    input: async (ctx) => ({
      payment_link_id: (await ctx.run('create_payment_link', { line_items: [{ price: (await price(ctx)).id, quantity: 1 }] })).id,
      inactive_message: 'This offer has ended.',
    }),
    request: (input) => ({
      method: 'POST',
      path: `/v1/payment_links/${input.payment_link_id}`,
      params: { active: 'false', inactive_message: 'This offer has ended.' },
    }),
    check: (result) => expect(result).toMatchObject({ active: false, inactive_message: 'This offer has ended.' }),
    invalid: { input: { payment_link_id: 'plink_1', active: true }, field: 'active' },
  },
  {
    key: 'list_payment_links',
    input: async (ctx) => {
      const p = (await price(ctx)).id;
      const old = await ctx.run('create_payment_link', { line_items: [{ price: p, quantity: 1 }], metadata: { n: 'old' } });
      await ctx.run('create_payment_link', { line_items: [{ price: p, quantity: 1 }], metadata: { n: 'live' } });
      await ctx.run('deactivate_payment_link', { payment_link_id: old.id });
      return { active: false };
    },
    request: () => ({ method: 'GET', path: '/v1/payment_links' }),
    check: (result) => expect(result.data.map((l: any) => l.metadata.n)).toEqual(['old']),
    invalid: { input: { active: 'no' }, field: 'active' },
  },
  {
    key: 'list_payment_link_line_items',
    input: async (ctx) => {
      const [a, b, c] = [await price(ctx), await price(ctx, { unit_amount: 200 }), await price(ctx, { unit_amount: 300 })];
      const link = await ctx.run('create_payment_link', { line_items: [a, b, c].map((p) => ({ price: p.id, quantity: 1 })) });
      return { payment_link_id: link.id, limit: 2 };
    },
    request: (input) => ({ method: 'GET', path: `/v1/payment_links/${input.payment_link_id}/line_items`, params: { limit: '2' } }),
    check: (result) => {
      expect(result.data).toHaveLength(2);
      expect(result.has_more).toBe(true);
      expect(result.data[0]).toMatchObject({ object: 'item', price: { object: 'price' }, currency: 'usd' });
    },
    invalid: { input: { payment_link_id: 'cs_1' }, field: 'payment_link_id' },
  },

  // Tax rates
  {
    key: 'create_tax_rate',
    input: () => ({ display_name: 'VAT', percentage: 19, inclusive: false, country: 'DE', jurisdiction: 'DE', tax_type: 'vat', description: 'German VAT' }),
    request: () => ({ method: 'POST', path: '/v1/tax_rates' }),
    check: (result) => {
      expect(result.id).toMatch(/^txr_/);
      expect(result).toMatchObject({ object: 'tax_rate', display_name: 'VAT', percentage: 19, inclusive: false, country: 'DE', tax_type: 'vat', active: true });
    },
    invalid: { input: { display_name: 'VAT', percentage: 119, inclusive: false }, field: 'percentage' },
  },
  {
    key: 'retrieve_tax_rate',
    input: async (ctx) => ({ tax_rate_id: (await ctx.run('create_tax_rate', { display_name: 'GST', percentage: 8.875, inclusive: true })).id }),
    request: (input) => ({ method: 'GET', path: `/v1/tax_rates/${input.tax_rate_id}` }),
    check: (result, input) => expect(result).toMatchObject({ id: input.tax_rate_id, percentage: 8.875, inclusive: true }),
    invalid: { input: { tax_rate_id: 'tax_1' }, field: 'tax_rate_id' },
  },
  {
    key: 'update_tax_rate',
    input: async (ctx) => ({
      tax_rate_id: (await ctx.run('create_tax_rate', { display_name: 'Sales tax', percentage: 7, inclusive: false })).id,
      active: false,
      display_name: 'Old sales tax',
      state: 'NY',
    }),
    request: (input) => ({ method: 'POST', path: `/v1/tax_rates/${input.tax_rate_id}` }),
    check: (result) => expect(result).toMatchObject({ active: false, display_name: 'Old sales tax', state: 'NY', percentage: 7 }),
    invalid: { input: { tax_rate_id: 'txr_1', percentage: 8 }, field: 'percentage' },
  },
  {
    key: 'list_tax_rates',
    input: async (ctx) => {
      await ctx.run('create_tax_rate', { display_name: 'Incl', percentage: 20, inclusive: true });
      await ctx.run('create_tax_rate', { display_name: 'Excl', percentage: 5, inclusive: false });
      return { inclusive: true, active: true };
    },
    request: () => ({ method: 'GET', path: '/v1/tax_rates' }),
    check: (result) => expect(result.data.map((r: any) => r.display_name)).toEqual(['Incl']),
    invalid: { input: { inclusive: 'yes' }, field: 'inclusive' },
  },
];
