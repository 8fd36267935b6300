/**
 * Coupons (params from Stripe's OpenAPI spec: POST /v1/coupons, POST /v1/coupons/{coupon},
 * DELETE /v1/coupons/{coupon}, GET /v1/coupons).
 *
 * Stripe's rules: exactly one of percent_off (0 < x <= 100) and amount_off; currency with (and only
 * with) amount_off; duration_in_months with (and only with) duration=repeating; a custom id of
 * letters, digits, - and _ that is not taken (`resource_already_exists`). Only name and metadata
 * change afterwards. `valid` turns false once redeem_by has passed or max_redemptions is reached;
 * other resources redeem a coupon with `redeemCoupon`.
 */
import { invalidRequest, paramError, paramMissing } from '../errors';
import { applyUpdate, p, type ParamSpecs } from '../params';
import type { RequestContext, ResourceDefinition } from '../resource';
import type { StoredRecord } from '../store';
import { CUSTOM_ID, parseDecimal } from './products';
import { EMPTY_METADATA_ON_CREATE } from './shared';

const CREATE_PARAMS: ParamSpecs = {
  amount_off: p.integer({ min: 1 }),
  applies_to: p.object({ products: p.array(p.string({ maxLength: 5000 })) }),
  currency: p.currency(),
  duration: p.enum(['forever', 'once', 'repeating']),
  duration_in_months: p.integer({ min: 1 }),
  id: p.string({ maxLength: 5000, emptyable: false }),
  max_redemptions: p.integer({ min: 1 }),
  metadata: p.metadata(),
  name: p.string({ maxLength: 40 }),
  percent_off: p.string({ maxLength: 100, emptyable: false }),
  redeem_by: p.integer(),
};

const UPDATE_PARAMS: ParamSpecs = {
  metadata: p.metadata(),
  name: p.string({ maxLength: 40 }),
};

/** Whether a coupon can still be applied: not past redeem_by, not used up. */
function stillValid(coupon: Record<string, any>, now: number): boolean {
  if (coupon.redeem_by !== null && now > coupon.redeem_by) return false;
  return coupon.max_redemptions === null || coupon.times_redeemed < coupon.max_redemptions;
}

/**
 * Applies a coupon once (a discount on a subscription, invoice or checkout): it must exist and be
 * valid; times_redeemed counts up and `valid` follows. Other resources' rules call this.
 */
export function redeemCoupon(ctx: RequestContext, id: string, param = 'coupon'): StoredRecord {
  const record = ctx.store.require('coupon', id, param, 400);
  const coupon = record.object;
  if (!stillValid(coupon, ctx.now)) {
    coupon.valid = false;
    throw invalidRequest(`Coupon expired: ${id}`, { code: 'coupon_expired', param });
  }
  coupon.times_redeemed += 1;
  coupon.valid = stillValid(coupon, ctx.now);
  return record;
}

export const coupons: ResourceDefinition = {
  type: 'coupon',
  idPrefix: '',
  idLength: 8,
  basePath: '/v1/coupons',

  create: {
    params: CREATE_PARAMS,
    handle(ctx, params) {
      const percentOff = params.percent_off !== undefined ? parseDecimal(params.percent_off, 'percent_off', 2) : undefined;
      if (percentOff === undefined && params.amount_off === undefined) {
        throw paramError('You must pass either percent_off or amount_off.', 'parameter_missing', 'percent_off');
      }
      if (percentOff !== undefined && params.amount_off !== undefined) {
        throw paramError('You may only specify one of these parameters: amount_off, percent_off.', 'parameters_exclusive', 'amount_off');
      }
      if (percentOff !== undefined && (percentOff <= 0 || percentOff > 100)) {
        throw paramError('Invalid percent_off: must be greater than 0 and at most 100.', undefined, 'percent_off');
      }
      if (params.amount_off !== undefined && params.currency === undefined) {
        throw paramError('You must specify a currency when creating an amount_off coupon.', 'parameter_missing', 'currency');
      }
      if (params.currency !== undefined && params.amount_off === undefined) {
        throw paramError('currency can only be given with amount_off.', undefined, 'currency');
      }
      const duration = params.duration ?? 'once';
      if (duration === 'repeating' && params.duration_in_months === undefined) throw paramMissing('duration_in_months');
      if (duration !== 'repeating' && params.duration_in_months !== undefined) {
        throw paramError('duration_in_months can only be given when duration is repeating.', undefined, 'duration_in_months');
      }
      if (params.redeem_by !== undefined && params.redeem_by <= ctx.now) {
        throw paramError('redeem_by must be in the future.', undefined, 'redeem_by');
      }
      let id: string;
      if (params.id !== undefined) {
        if (!CUSTOM_ID.test(params.id)) {
          throw paramError(`Invalid id: ${params.id.slice(0, 60)}. Coupon ids may only contain letters, digits, - and _.`, undefined, 'id');
        }
        const taken = ctx.store.get(params.id, 'coupon');
        if (taken && !taken.deleted) throw invalidRequest('Coupon already exists.', { code: 'resource_already_exists', param: 'id' });
        if (taken) throw invalidRequest('A coupon with this id was deleted; ids of deleted coupons cannot be reused in the emulator.', { code: 'resource_already_exists', param: 'id' });
        id = params.id;
      } else id = ctx.ids.next('', 8);
      const object = {
        id,
        object: 'coupon',
        amount_off: params.amount_off ?? null,
        created: ctx.now,
        currency: params.currency ?? null,
        duration,
        duration_in_months: params.duration_in_months ?? null,
        livemode: ctx.livemode,
        max_redemptions: params.max_redemptions ?? null,
        metadata: EMPTY_METADATA_ON_CREATE(params.metadata),
        name: params.name ?? null,
        percent_off: percentOff ?? null,
        redeem_by: params.redeem_by ?? null,
        times_redeemed: 0,
        valid: true,
      };
      // applies_to is only in the response when expanded (expand[]=applies_to), as on Stripe.
      return ctx.store.insert('coupon', object, ctx.now, { appliesTo: params.applies_to ? { products: params.applies_to.products ?? [] } : null });
    },
  },

  retrieve: {},

  update: {
    params: UPDATE_PARAMS,
    handle(_ctx, record, params) {
      applyUpdate(record.object, params, ['metadata', 'name']);
    },
  },

  del: {},

  list: { params: {} },

  includable: {
    // An unrestricted coupon has no applies_to even when expanded (the spec and stripe-node type it non-null).
    applies_to: (ctx, coupon) => ctx.store.get(coupon.id, 'coupon')?.hidden.appliesTo ?? undefined,
  },
};
