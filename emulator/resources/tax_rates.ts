/**
 * Tax rates (params from Stripe's OpenAPI spec: POST /v1/tax_rates, POST /v1/tax_rates/{tax_rate},
 * GET /v1/tax_rates).
 *
 * display_name, percentage and inclusive are required; percentage and inclusive are fixed at creation
 * (the update endpoint does not take them: an unknown parameter, as on Stripe). Tax rates cannot be
 * deleted, only archived with active=false.
 */
import { paramError } from '../errors';
import { applyUpdate, p, type ParamSpecs } from '../params';
import type { ResourceDefinition } from '../resource';
import { parseDecimal } from './products';
import { EMPTY_METADATA_ON_CREATE } from './shared';

const TAX_TYPES = ['amusement_tax', 'communications_tax', 'gst', 'hst', 'igst', 'jct', 'lease_tax', 'pst', 'qst', 'rst', 'sales_tax', 'vat'] as const;

const COMMON: ParamSpecs = {
  active: p.boolean(),
  country: p.string({ maxLength: 5000 }),
  description: p.string({ maxLength: 5000 }),
  display_name: p.string({ maxLength: 50, emptyable: false }),
  jurisdiction: p.string({ maxLength: 50 }),
  metadata: p.metadata(),
  state: p.string({ maxLength: 2 }),
  tax_type: p.enum(TAX_TYPES),
};

const CREATE_PARAMS: ParamSpecs = {
  ...COMMON,
  display_name: p.string({ required: true, maxLength: 50 }),
  inclusive: p.boolean({ required: true }),
  percentage: p.string({ required: true, maxLength: 100 }),
};

export const taxRates: ResourceDefinition = {
  type: 'tax_rate',
  idPrefix: 'txr_',
  idLength: 24,
  basePath: '/v1/tax_rates',

  create: {
    params: CREATE_PARAMS,
    handle(ctx, params) {
      const percentage = parseDecimal(params.percentage, 'percentage', 4);
      if (percentage > 100) throw paramError('Invalid percentage: must be between 0 and 100.', undefined, 'percentage');
      const object = {
        id: ctx.ids.next(taxRates.idPrefix, taxRates.idLength),
        object: 'tax_rate',
        active: params.active ?? true,
        country: params.country ?? null,
        created: ctx.now,
        description: params.description ?? null,
        display_name: params.display_name,
        effective_percentage: percentage,
        inclusive: params.inclusive,
        jurisdiction: params.jurisdiction ?? null,
        jurisdiction_level: null,
        livemode: ctx.livemode,
        metadata: EMPTY_METADATA_ON_CREATE(params.metadata),
        percentage,
        state: params.state ?? null,
        tax_type: params.tax_type ?? null,
      };
      return ctx.store.insert('tax_rate', object, ctx.now);
    },
  },

  retrieve: {},

  update: {
    params: COMMON,
    handle(_ctx, record, params) {
      applyUpdate(record.object, params, ['active', 'country', 'description', 'display_name', 'jurisdiction', 'metadata', 'state', 'tax_type']);
    },
  },

  list: {
    params: { active: p.boolean(), inclusive: p.boolean() },
    filter: (rate, params) =>
      (params.active === undefined || rate.active === params.active) && (params.inclusive === undefined || rate.inclusive === params.inclusive),
  },
};
