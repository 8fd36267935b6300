/**
 * Promotion codes (params from Stripe's OpenAPI spec: POST /v1/promotion_codes,
 * POST /v1/promotion_codes/{promotion_code}, GET /v1/promotion_codes).
 *
 * A customer-facing code for a coupon, which must exist. The spec (2024-04-10) names the coupon with
 * top-level `coupon`; since API 2025-09-30.clover (and so at the version the connector pins) it is
 * `promotion[type]=coupon` + `promotion[coupon]`, and the object carries `promotion: { type, coupon }`
 * with the coupon's id, expandable as `promotion.coupon`. A top-level `coupon` is an unknown
 * parameter, as on Stripe now. A code is unique, regardless of case, among active codes;
 * none given = a generated one. expires_at cannot be after the coupon's redeem_by; minimum_amount
 * needs minimum_amount_currency.
 */
import { randomAlnum } from '../ids';
import { invalidRequest, paramError, paramMissing } from '../errors';
import { applyUpdate, p, type ParamSpecs } from '../params';
import type { RequestContext, ResourceDefinition } from '../resource';
import { EMPTY_METADATA_ON_CREATE } from './shared';

const CREATE_PARAMS: ParamSpecs = {
  active: p.boolean(),
  code: p.string({ maxLength: 500, emptyable: false }),
  customer: p.id('customer'),
  expires_at: p.integer(),
  max_redemptions: p.integer({ min: 1 }),
  metadata: p.metadata(),
  promotion: p.object({ coupon: p.string({ maxLength: 5000 }), type: p.enum(['coupon'], { required: true }) }, { required: true }),
  restrictions: p.object({
    first_time_transaction: p.boolean(),
    minimum_amount: p.integer({ min: 0 }),
    minimum_amount_currency: p.currency(),
  }),
};

const UPDATE_PARAMS: ParamSpecs = {
  active: p.boolean(),
  metadata: p.metadata(),
};

/** An active code with the same text (case-insensitively) blocks a new one. */
function checkCodeFree(ctx: RequestContext, code: string, self?: string): void {
  const folded = code.toLowerCase();
  const clash = ctx.store.live('promotion_code').find((r) => r.id !== self && r.object.active && r.object.code.toLowerCase() === folded);
  if (clash) {
    throw invalidRequest(`An active promotion code with \`code: ${code}\` already exists.`, { code: 'resource_already_exists', param: 'code' });
  }
}

export const promotionCodes: ResourceDefinition = {
  type: 'promotion_code',
  idPrefix: 'promo_',
  idLength: 24,
  basePath: '/v1/promotion_codes',

  create: {
    params: CREATE_PARAMS,
    handle(ctx, params) {
      const couponParam = 'promotion[coupon]';
      const couponId: string | undefined = params.promotion.coupon;
      if (!couponId) throw paramMissing(couponParam);
      const coupon = ctx.store.require('coupon', couponId, couponParam, 400).object;
      if (!coupon.valid) throw invalidRequest(`Coupon expired: ${coupon.id}`, { code: 'coupon_expired', param: couponParam });
      if (params.customer) ctx.store.require('customer', params.customer, 'customer', 400);
      if (params.expires_at !== undefined) {
        if (params.expires_at <= ctx.now) throw paramError('expires_at must be in the future.', undefined, 'expires_at');
        if (coupon.redeem_by !== null && params.expires_at > coupon.redeem_by) {
          throw paramError("The promotion code's expires_at cannot be after the coupon's redeem_by.", undefined, 'expires_at');
        }
      }
      const restrictions = params.restrictions ?? {};
      if ((restrictions.minimum_amount === undefined) !== (restrictions.minimum_amount_currency === undefined)) {
        throw paramError(
          'restrictions[minimum_amount] and restrictions[minimum_amount_currency] must be given together.',
          'parameter_missing',
          restrictions.minimum_amount === undefined ? 'restrictions[minimum_amount]' : 'restrictions[minimum_amount_currency]',
        );
      }
      if (params.code !== undefined && !/^[A-Za-z0-9]+$/.test(params.code)) {
        throw paramError('Invalid code: promotion codes may only contain letters and digits.', undefined, 'code');
      }
      const code: string = params.code ?? randomAlnum(8).toUpperCase();
      const active = params.active ?? true;
      if (active) checkCodeFree(ctx, code);
      const object = {
        id: ctx.ids.next(promotionCodes.idPrefix, promotionCodes.idLength),
        object: 'promotion_code',
        active,
        code,
        created: ctx.now,
        customer: params.customer ?? null,
        expires_at: params.expires_at ?? null,
        livemode: ctx.livemode,
        max_redemptions: params.max_redemptions ?? null,
        metadata: EMPTY_METADATA_ON_CREATE(params.metadata),
        promotion: { coupon: coupon.id, type: 'coupon' },
        restrictions: {
          currency_options: {},
          first_time_transaction: restrictions.first_time_transaction ?? false,
          minimum_amount: restrictions.minimum_amount ?? null,
          minimum_amount_currency: restrictions.minimum_amount_currency ?? null,
        },
        times_redeemed: 0,
      };
      return ctx.store.insert('promotion_code', object, ctx.now);
    },
  },

  retrieve: {},

  update: {
    params: UPDATE_PARAMS,
    handle(ctx, record, params) {
      if (params.active === true && !record.object.active) checkCodeFree(ctx, record.object.code, record.id);
      applyUpdate(record.object, params, ['active', 'metadata']);
    },
  },

  list: {
    params: {
      active: p.boolean(),
      code: p.string({ maxLength: 5000, emptyable: false }),
      coupon: p.string({ maxLength: 5000, emptyable: false }),
      customer: p.string({ maxLength: 5000, emptyable: false }),
    },
    filter: (promo, params) =>
      (params.active === undefined || promo.active === params.active) &&
      (params.code === undefined || promo.code.toLowerCase() === params.code.toLowerCase()) &&
      (params.coupon === undefined || promo.promotion.coupon === params.coupon) &&
      (params.customer === undefined || promo.customer === params.customer),
  },

  expandable: { customer: { types: ['customer'] }, 'promotion.coupon': { types: ['coupon'] } },
};
