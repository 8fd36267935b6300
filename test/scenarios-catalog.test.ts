/**
 * Catalog scenarios over real HTTP against the emulator: products, prices, coupons, promotion codes,
 * payment links and tax rates, through the actions and (to check the emulator answers like Stripe)
 * through the client directly with requests the actions would refuse.
 */
import { StripeInputValidationError, StripeInvalidRequestError } from '../client/errors';
import { caught, useEmulator } from './support/harness';

const env = useEmulator();
const { run } = env;

/** The fields our schema names when it refuses input (nothing is sent). */
async function refusedFields(key: string, input: unknown): Promise<string[]> {
  const before = env.emulator.requests.length;
  const error = await caught(run(key, input));
  expect(error).toBeInstanceOf(StripeInputValidationError);
  expect(env.emulator.requests.length).toBe(before);
  return (error as StripeInputValidationError).fields.map((f) => f.field);
}

/** Sends a raw request (bypassing our schemas) and returns Stripe's error. */
async function rawError(method: 'GET' | 'POST' | 'DELETE', path: string, params: Record<string, unknown>): Promise<StripeInvalidRequestError> {
  const error = await caught(env.client.request({ method, path, params }));
  expect(error).toBeInstanceOf(StripeInvalidRequestError);
  return error as StripeInvalidRequestError;
}

const eventTypes = () => env.emulator.objects('event').map((e) => e.type);

describe('product -> price -> payment link -> deactivate', () => {
  it('sells through a link until it is deactivated, then keeps it inactive and retrievable', async () => {
    const product = await run('create_product', { name: 'Workshop ticket' });
    const price = await run('create_price', { product: product.id, currency: 'eur', unit_amount: 4900 });
    const link = await run('create_payment_link', { line_items: [{ price: price.id, quantity: 2 }], inactive_message: 'Sold out' });
    expect(link).toMatchObject({ object: 'payment_link', active: true, currency: 'eur' });
    expect(link.url).toMatch(/^https:\/\/buy\.stripe\.com\/test_[A-Za-z0-9]+$/);

    const deactivated = await run('deactivate_payment_link', { payment_link_id: link.id });
    expect(deactivated).toMatchObject({ id: link.id, active: false, inactive_message: 'Sold out' });
    expect(env.emulator.requests.at(-1)!.body).toEqual({ active: 'false' });

    const fetched = await run('retrieve_payment_link', { payment_link_id: link.id, expand: ['line_items'] });
    expect(fetched.active).toBe(false);
    expect(fetched.line_items.data).toEqual([
      expect.objectContaining({ object: 'item', quantity: 2, amount_subtotal: 9800, amount_total: 9800, currency: 'eur', price: expect.objectContaining({ id: price.id }) }),
    ]);
    expect((await run('list_payment_links', { active: false })).data.map((l: any) => l.id)).toEqual([link.id]);
    expect((await run('list_payment_links', { active: true })).data).toEqual([]);

    // A deactivated link is not deleted: it can still be edited (by line item id only) and reactivated.
    const lineItem = fetched.line_items.data[0];
    const edited = await run('update_payment_link', { payment_link_id: link.id, line_items: [{ id: lineItem.id, quantity: 1 }] });
    expect(edited.active).toBe(false);
    const items = await run('list_payment_link_line_items', { payment_link_id: link.id });
    expect(items.data[0]).toMatchObject({ id: lineItem.id, quantity: 1, amount_total: 4900 });
    // Stripe swaps no prices on a link: an unknown line item id is refused.
    const missing = await rawError('POST', `/v1/payment_links/${link.id}`, { line_items: [{ id: 'li_unknown', quantity: 1 }] });
    expect(missing).toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'line_items[0][id]' });
    // ...and a price cannot be put on an existing link.
    const swap = await rawError('POST', `/v1/payment_links/${link.id}`, { line_items: [{ id: lineItem.id, price: price.id }] });
    expect(swap).toMatchObject({ code: 'parameter_unknown', param: 'line_items[0][price]' });

    const reactivated = await run('update_payment_link', { payment_link_id: link.id, active: true });
    expect(reactivated.active).toBe(true);

    const linkEvents = env.emulator.objects('event').filter((e) => e.type.startsWith('payment_link.'));
    // created, deactivated, line item edited (recorded though the link object itself is unchanged), reactivated.
    expect(linkEvents.map((e) => e.type)).toEqual(['payment_link.created', 'payment_link.updated', 'payment_link.updated', 'payment_link.updated']);
    expect(linkEvents[1].data).toMatchObject({ object: { active: false }, previous_attributes: { active: true } });
    expect(linkEvents[3].data).toMatchObject({ object: { active: true }, previous_attributes: { active: false } });
  });

  it('refuses archived prices, unknown prices and mixed currencies in a new payment link', async () => {
    const product = await run('create_product', { name: 'Mug' });
    const price = await run('create_price', { product: product.id, currency: 'usd', unit_amount: 1200 });
    await run('update_price', { price_id: price.id, active: false });

    const inactive = await caught(run('create_payment_link', { line_items: [{ price: price.id, quantity: 1 }] }));
    expect(inactive).toMatchObject({
      statusCode: 400,
      param: 'line_items[0][price]',
      message: 'The price specified is inactive. This field only accepts active prices.',
    });

    const unknown = await caught(run('create_payment_link', { line_items: [{ price: 'price_doesnotexist', quantity: 1 }] }));
    expect(unknown).toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'line_items[0][price]' });

    const usd = await run('create_price', { product: product.id, currency: 'usd', unit_amount: 1000 });
    const eur = await run('create_price', { product: product.id, currency: 'eur', unit_amount: 1000 });
    const mixed = await caught(run('create_payment_link', { line_items: [{ price: usd.id, quantity: 1 }, { price: eur.id, quantity: 1 }] }));
    expect(mixed).toMatchObject({ statusCode: 400, param: 'line_items[1][price]' });
    expect(env.emulator.objects('payment_link')).toEqual([]);
  });
});

describe('coupon rules: refused by our schema, and by the emulator like Stripe', () => {
  const rules: { name: string; input: Record<string, unknown>; field: string }[] = [
    { name: 'neither percent_off nor amount_off', input: { duration: 'once' }, field: 'percent_off' },
    { name: 'both percent_off and amount_off', input: { percent_off: 10, amount_off: 500, currency: 'usd' }, field: 'amount_off' },
    { name: 'amount_off without currency', input: { amount_off: 500 }, field: 'currency' },
    { name: 'currency without amount_off', input: { percent_off: 10, currency: 'usd' }, field: 'currency' },
    { name: 'repeating without duration_in_months', input: { percent_off: 10, duration: 'repeating' }, field: 'duration_in_months' },
    { name: 'duration_in_months without repeating', input: { percent_off: 10, duration: 'forever', duration_in_months: 3 }, field: 'duration_in_months' },
    { name: 'duration_in_months with the default duration (once)', input: { percent_off: 10, duration_in_months: 3 }, field: 'duration_in_months' },
    { name: 'percent_off of 0', input: { percent_off: 0 }, field: 'percent_off' },
    { name: 'percent_off over 100', input: { percent_off: 100.5 }, field: 'percent_off' },
    { name: 'an id with characters Stripe refuses', input: { id: 'HALF OFF!', percent_off: 50 }, field: 'id' },
  ];

  it.each(rules.map((r) => [r.name, r] as const))('%s', async (_name, rule) => {
    expect(await refusedFields('create_coupon', rule.input)).toContain(rule.field);
    const error = await rawError('POST', '/v1/coupons', rule.input);
    expect(error.statusCode).toBe(400);
    expect(error.param).toBe(rule.field);
    expect(env.emulator.objects('coupon')).toEqual([]);
  });

  it('accepts the edge values and custom ids, and refuses a taken id with resource_already_exists', async () => {
    const full = await run('create_coupon', { id: 'FREE_month-1', percent_off: 100, duration: 'repeating', duration_in_months: 1 });
    expect(full).toMatchObject({ id: 'FREE_month-1', percent_off: 100, duration_in_months: 1, valid: true, times_redeemed: 0 });
    const amount = await run('create_coupon', { amount_off: 1000, currency: 'JPY', duration: 'forever' });
    expect(amount).toMatchObject({ amount_off: 1000, currency: 'jpy', duration: 'forever', duration_in_months: null, percent_off: null });

    const taken = await caught(run('create_coupon', { id: 'FREE_month-1', percent_off: 5 }));
    expect(taken).toMatchObject({ statusCode: 400, code: 'resource_already_exists', param: 'id' });

    // Hyphenated ids go into the path as they are (the generic runner only takes [A-Za-z0-9_]).
    expect(await run('retrieve_coupon', { coupon_id: 'FREE_month-1' })).toMatchObject({ id: 'FREE_month-1' });
    expect(env.emulator.requests.at(-1)!.path).toBe('/v1/coupons/FREE_month-1');
    expect(await run('update_coupon', { coupon_id: 'FREE_month-1', name: 'First month free' })).toMatchObject({ name: 'First month free' });
    expect(await run('delete_coupon', { coupon_id: 'FREE_month-1' })).toEqual({ id: 'FREE_month-1', object: 'coupon', deleted: true });
    expect(eventTypes().filter((t) => t.startsWith('coupon.'))).toEqual(['coupon.created', 'coupon.created', 'coupon.updated', 'coupon.deleted']);

    // The discount is fixed once created: the update endpoint does not take it.
    const fixed = await rawError('POST', `/v1/coupons/${amount.id}`, { amount_off: 2000 });
    expect(fixed).toMatchObject({ code: 'parameter_unknown', param: 'amount_off' });
    const gone = await caught(run('retrieve_coupon', { coupon_id: 'no-such-coupon' }));
    expect(gone).toMatchObject({ statusCode: 404, code: 'resource_missing' });
  });
});

describe('one-time and recurring prices', () => {
  it('creates both kinds, filters by type, and keeps amounts immutable', async () => {
    const product = await run('create_product', { name: 'Gym' });
    const oneTime = await run('create_price', { product: product.id, currency: 'usd', unit_amount: 2500, nickname: 'Day pass' });
    const monthly = await run('create_price', { product: product.id, currency: 'usd', unit_amount: 4000, recurring: { interval: 'month' } });
    const decimal = await run('create_price', { product_data: { name: 'API calls' }, currency: 'usd', unit_amount_decimal: '0.25' });

    expect(oneTime).toMatchObject({ type: 'one_time', recurring: null, unit_amount: 2500, unit_amount_decimal: '2500' });
    expect(monthly).toMatchObject({ type: 'recurring', recurring: { interval: 'month', interval_count: 1, usage_type: 'licensed' } });
    expect(decimal).toMatchObject({ type: 'one_time', unit_amount: null, unit_amount_decimal: '0.25' });
    expect(decimal.product).toMatch(/^prod_/);
    expect(await run('retrieve_product', { product_id: decimal.product })).toMatchObject({ name: 'API calls' });
    expect(eventTypes()).toEqual(['product.created', 'price.created', 'price.created', 'product.created', 'price.created']);

    expect((await run('list_prices', { type: 'one_time' })).data.map((p: any) => p.id)).toEqual([decimal.id, oneTime.id]);
    expect((await run('list_prices', { type: 'recurring', product: product.id })).data.map((p: any) => p.id)).toEqual([monthly.id]);

    // Amounts, currency and recurrence never change: Stripe's update endpoint does not know them.
    for (const [param, value] of [['unit_amount', 3000], ['currency', 'eur'], ['recurring', { interval: 'year' }]] as const) {
      const error = await rawError('POST', `/v1/prices/${monthly.id}`, { [param]: value });
      expect(error).toMatchObject({ statusCode: 400, code: 'parameter_unknown', param });
    }
    expect(await refusedFields('update_price', { price_id: monthly.id, unit_amount: 3000 })).toContain('unit_amount');
  });

  it('enforces the price rules in the schema and in the emulator', async () => {
    const product = await run('create_product', { name: 'Donation' });
    // custom_unit_amount is for one-time prices only.
    const customRecurring = { product: product.id, currency: 'usd', custom_unit_amount: { enabled: true }, recurring: { interval: 'month' } };
    expect(await refusedFields('create_price', customRecurring)).toContain('custom_unit_amount');
    expect(await rawError('POST', '/v1/prices', customRecurring)).toMatchObject({ param: 'custom_unit_amount' });
    const donation = await run('create_price', { product: product.id, currency: 'usd', custom_unit_amount: { enabled: true, minimum: 500, preset: 1000 } });
    expect(donation).toMatchObject({ unit_amount: null, custom_unit_amount: { minimum: 500, maximum: null, preset: 1000 } });

    // No amount at all.
    expect(await refusedFields('create_price', { product: product.id, currency: 'usd' })).toContain('unit_amount');
    expect(await rawError('POST', '/v1/prices', { product: product.id, currency: 'usd' })).toMatchObject({ code: 'parameter_missing', param: 'unit_amount' });
    // Neither product nor product_data; an unknown product.
    expect(await refusedFields('create_price', { currency: 'usd', unit_amount: 100 })).toContain('product');
    expect(await rawError('POST', '/v1/prices', { currency: 'usd', unit_amount: 100 })).toMatchObject({ param: 'product' });
    const missing = await rawError('POST', '/v1/prices', { product: 'prod_missing', currency: 'usd', unit_amount: 100 });
    expect(missing).toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'product', message: "No such product: 'prod_missing'" });
    // More than three years between bills.
    const tooLong = { product: product.id, currency: 'usd', unit_amount: 100, recurring: { interval: 'month', interval_count: 37 } };
    expect(await refusedFields('create_price', tooLong)).toContain('recurring.interval_count');
    expect(await rawError('POST', '/v1/prices', tooLong)).toMatchObject({ param: 'recurring[interval_count]' });
  });

  it('moves lookup keys only on request, and never archives a product\'s default price', async () => {
    const product = await run('create_product', { name: 'Plan', default_price_data: { currency: 'usd', unit_amount: 1000, recurring: { interval: 'month' } } });
    const first = await run('create_price', { product: product.id, currency: 'usd', unit_amount: 1100, lookup_key: 'plan_monthly' });
    const clash = await caught(run('create_price', { product: product.id, currency: 'usd', unit_amount: 1200, lookup_key: 'plan_monthly' }));
    expect(clash).toMatchObject({ statusCode: 400, param: 'lookup_key' });
    const second = await run('create_price', { product: product.id, currency: 'usd', unit_amount: 1200, lookup_key: 'plan_monthly', transfer_lookup_key: true });
    expect((await run('retrieve_price', { price_id: first.id })).lookup_key).toBeNull();
    expect((await run('list_prices', { lookup_keys: ['plan_monthly'] })).data.map((p: any) => p.id)).toEqual([second.id]);

    const archive = await caught(run('update_price', { price_id: product.default_price, active: false }));
    expect(archive).toMatchObject({ statusCode: 400, message: 'This price cannot be archived because it is the default price of its product.' });
    await run('update_product', { product_id: product.id, default_price: second.id });
    expect(await run('update_price', { price_id: product.default_price, active: false })).toMatchObject({ active: false });
  });
});

describe('products', () => {
  it('refuses to delete a product while it has prices, even archived ones', async () => {
    const product = await run('create_product', { name: 'Poster', default_price_data: { currency: 'usd', unit_amount: 800 } });
    expect(eventTypes()).toEqual(['product.created', 'price.created']);
    expect(env.emulator.objects('event')[0].data.object.default_price).toBe(product.default_price);

    const refused = await caught(run('delete_product', { product_id: product.id }));
    expect(refused).toMatchObject({
      statusCode: 400,
      type: 'invalid_request_error',
      message: 'This product cannot be deleted because it has one or more user-created prices.',
    });
    await run('update_product', { product_id: product.id, default_price: null });
    await run('update_price', { price_id: product.default_price, active: false });
    expect(await caught(run('delete_product', { product_id: product.id }))).toMatchObject({ statusCode: 400 });
    // Archiving is what Stripe offers instead.
    expect(await run('update_product', { product_id: product.id, active: false })).toMatchObject({ active: false });
    expect((await run('retrieve_product', { product_id: product.id })).active).toBe(false);

    const bare = await run('create_product', { name: 'Sticker' });
    expect(await run('delete_product', { product_id: bare.id })).toEqual({ id: bare.id, object: 'product', deleted: true });
    expect((await run('list_products', {})).data.map((p: any) => p.id)).toEqual([product.id]);
    expect(eventTypes().filter((t) => t === 'product.deleted')).toHaveLength(1);
  });

  it('stores nothing when a product\'s default price or a price\'s new product is refused', async () => {
    const badDefault = await rawError('POST', '/v1/products', { id: 'my-product', name: 'Kit', default_price_data: { currency: 'usd' } });
    expect(badDefault).toMatchObject({ code: 'parameter_missing', param: 'default_price_data[unit_amount]' });
    const badPrice = await rawError('POST', '/v1/prices', { product_data: { name: 'Kit' }, currency: 'usd', recurring: { interval: 'week', interval_count: 157 }, unit_amount: 5 });
    expect(badPrice).toMatchObject({ param: 'recurring[interval_count]' });
    expect(env.emulator.objects('product')).toEqual([]);
    expect(env.emulator.objects('event')).toEqual([]);
    // The custom id is still free.
    expect(await run('create_product', { name: 'Kit' }).then(() => env.client.request<any>({ method: 'POST', path: '/v1/products', params: { id: 'my-product', name: 'Kit' } }))).toMatchObject({
      body: { id: 'my-product' },
    });
    const taken = await rawError('POST', '/v1/products', { id: 'my-product', name: 'Again' });
    expect(taken).toMatchObject({ code: 'resource_already_exists', param: 'id' });
  });

  it('sets default_price only to an active price of the same product', async () => {
    const a = await run('create_product', { name: 'A' });
    const b = await run('create_product', { name: 'B' });
    const priceOfB = await run('create_price', { product: b.id, currency: 'usd', unit_amount: 100 });
    expect(await caught(run('update_product', { product_id: a.id, default_price: priceOfB.id }))).toMatchObject({ statusCode: 400, param: 'default_price' });
    const priceOfA = await run('create_price', { product: a.id, currency: 'usd', unit_amount: 100 });
    const updated = await run('update_product', { product_id: a.id, default_price: priceOfA.id, expand: ['default_price'] });
    expect(updated.default_price).toMatchObject({ id: priceOfA.id, object: 'price' });
  });
});

describe('promotion codes', () => {
  it('keeps codes unique among active codes, case-insensitively, and needs an existing coupon', async () => {
    await run('create_coupon', { id: 'SPRING', percent_off: 15 });
    const first = await run('create_promotion_code', { promotion: { coupon: 'SPRING' }, code: 'SPRING15' });
    const clash = await caught(run('create_promotion_code', { promotion: { coupon: 'SPRING' }, code: 'spring15' }));
    expect(clash).toMatchObject({ statusCode: 400, param: 'code', message: 'An active promotion code with `code: spring15` already exists.' });

    // Once the first is inactive, the code is free again (and the first cannot be reactivated).
    await env.client.request({ method: 'POST', path: `/v1/promotion_codes/${first.id}`, params: { active: false } });
    const second = await run('create_promotion_code', { promotion: { coupon: 'SPRING' }, code: 'spring15' });
    expect(second).toMatchObject({ code: 'spring15', active: true });
    expect(await rawError('POST', `/v1/promotion_codes/${first.id}`, { active: true })).toMatchObject({ param: 'code' });
    expect((await run('list_promotion_codes', { code: 'SPRING15', active: true })).data.map((p: any) => p.id)).toEqual([second.id]);

    const noCoupon = await caught(run('create_promotion_code', { promotion: { coupon: 'NOPE' } }));
    expect(noCoupon).toMatchObject({ statusCode: 400, code: 'resource_missing', param: 'promotion[coupon]', message: "No such coupon: 'NOPE'" });
    expect(await refusedFields('create_promotion_code', { code: 'X1' })).toContain('promotion');
    expect(eventTypes().filter((t) => t.startsWith('promotion_code.'))).toEqual(['promotion_code.created', 'promotion_code.updated', 'promotion_code.created']);
  });

  it('takes the coupon as promotion[coupon] (API 2025-09-30.clover and later) and refuses the old top-level coupon', async () => {
    await run('create_coupon', { id: 'NEWFORM', amount_off: 300, currency: 'usd' });
    const created = await run('create_promotion_code', { promotion: { coupon: 'NEWFORM' }, code: 'NEW3' });
    expect(env.emulator.requests.at(-1)!.body).toMatchObject({ promotion: { type: 'coupon', coupon: 'NEWFORM' } });
    expect(created).toMatchObject({ code: 'NEW3', promotion: { type: 'coupon', coupon: 'NEWFORM' } });
    expect(created).not.toHaveProperty('coupon');
    expect((await run('list_promotion_codes', { coupon: 'NEWFORM' })).data.map((p: any) => p.id)).toEqual([created.id]);
    expect(await rawError('POST', '/v1/promotion_codes', { coupon: 'NEWFORM', code: 'OLD3' })).toMatchObject({ code: 'parameter_unknown', param: 'coupon' });
  });
});

describe('tax rates', () => {
  it('creates, archives and lists tax rates; percentage and inclusive are fixed', async () => {
    const vat = await run('create_tax_rate', { display_name: 'VAT', percentage: 20, inclusive: true, country: 'FR', tax_type: 'vat' });
    const sales = await run('create_tax_rate', { display_name: 'Sales tax', percentage: 8.875, inclusive: false, country: 'US', state: 'NY' });
    expect(vat).toMatchObject({ percentage: 20, effective_percentage: 20, inclusive: true, active: true });
    for (const param of ['percentage', 'inclusive']) {
      expect(await rawError('POST', `/v1/tax_rates/${vat.id}`, { [param]: param === 'inclusive' ? false : 5 })).toMatchObject({ code: 'parameter_unknown', param });
    }
    expect(await refusedFields('create_tax_rate', { display_name: 'X', percentage: 5 })).toContain('inclusive');
    expect(await rawError('POST', '/v1/tax_rates', { display_name: 'X', percentage: 5 })).toMatchObject({ code: 'parameter_missing', param: 'inclusive' });

    await run('update_tax_rate', { tax_rate_id: vat.id, active: false });
    expect((await run('list_tax_rates', { active: true })).data.map((r: any) => r.id)).toEqual([sales.id]);
    expect((await run('list_tax_rates', { active: false, inclusive: true })).data.map((r: any) => r.id)).toEqual([vat.id]);
    expect(eventTypes().filter((t) => t.startsWith('tax_rate.'))).toEqual(['tax_rate.created', 'tax_rate.created', 'tax_rate.updated']);
  });
});
