import { z } from 'zod';
import { defineAction, defineListAction } from './define';
import { createdRange, expand, fields, idempotencyKey, metadata, metadataUpdate, optionalFields, stripeId } from '../schemas/common';
import { taxRateObject } from '../schemas/objects/tax_rate';

const group = 'tax_rates';
const taxRateId = stripeId(['txr'], 'tax rate');

/** What create and update both set (percentage and inclusive are fixed once created). */
const taxRateFields = {
  display_name: z.string().min(1).max(50).describe('The tax name customers see on invoices, e.g. "VAT" or "Sales tax" (up to 50 characters).'),
  description: z.string().max(5000).describe('An internal note, not shown to customers.'),
  active: z.boolean().describe('Whether the rate can be applied to new items (false archives it; existing uses keep it).'),
  country: z.string().regex(/^[A-Z]{2}$/, 'expected a two-letter country code such as DE').describe('Two-letter country code (ISO 3166-1), e.g. DE.'),
  state: z.string().regex(/^[A-Z0-9]{1,2}$/, 'expected a subdivision code such as NY').describe('State or province code without the country, e.g. NY (ISO 3166-2).'),
  jurisdiction: z.string().max(50).describe('The tax jurisdiction shown on invoices, e.g. "Berlin".'),
  tax_type: z
    .enum(['amusement_tax', 'communications_tax', 'gst', 'hst', 'igst', 'jct', 'lease_tax', 'pst', 'qst', 'rst', 'sales_tax', 'vat'])
    .describe('The kind of tax, e.g. vat or sales_tax.'),
};

const { display_name: _required, ...optionalOnCreate } = taxRateFields;

export const createTaxRate = defineAction({
  key: 'create_tax_rate',
  title: 'Create tax rate',
  description:
    'Creates a tax rate to apply to invoices, subscriptions and checkout. display_name, percentage and inclusive are required; percentage and inclusive cannot be changed later. Returns the tax rate.',
  group,
  output: taxRateObject,
  method: 'POST',
  path: '/v1/tax_rates',
  input: z
    .object({
      display_name: taxRateFields.display_name,
      percentage: z
        .number()
        .min(0)
        .max(100)
        .multipleOf(0.0001, 'at most four decimals')
        .describe('The rate in percent, 0 to 100, e.g. 19 or 8.875.'),
      inclusive: z.boolean().describe('true if prices already include this tax; false if it is added on top.'),
      ...optionalFields(optionalOnCreate),
      metadata: metadata.optional(),
      idempotency_key: idempotencyKey,
      expand,
    })
    .strict(),
});

export const retrieveTaxRate = defineAction({
  key: 'retrieve_tax_rate',
  title: 'Retrieve tax rate',
  description: 'Retrieves a tax rate by id (txr_...).',
  group,
  output: taxRateObject,
  method: 'GET',
  path: '/v1/tax_rates/{tax_rate_id}',
  input: z.object({ tax_rate_id: taxRateId, expand, fields }).strict(),
});

export const updateTaxRate = defineAction({
  key: 'update_tax_rate',
  title: 'Update tax rate',
  description:
    'Updates a tax rate\'s name, description, active flag, place or tax type. The percentage and inclusive cannot change: create a new rate and archive this one (active false). Metadata merges. Returns the tax rate.',
  group,
  output: taxRateObject,
  method: 'POST',
  path: '/v1/tax_rates/{tax_rate_id}',
  input: z
    .object({
      tax_rate_id: taxRateId,
      ...optionalFields(taxRateFields),
      metadata: metadataUpdate.optional(),
      expand,
    })
    .strict(),
});

export const listTaxRates = defineListAction({
  key: 'list_tax_rates',
  title: 'List tax rates',
  description: 'Lists tax rates, newest first, optionally only active or archived, inclusive or exclusive ones, or by creation time. Returns { data, has_more }.',
  group,
  item: taxRateObject,
  path: '/v1/tax_rates',
  filters: {
    active: z.boolean().optional().describe('true: only active rates; false: only archived ones.'),
    inclusive: z.boolean().optional().describe('true: only inclusive rates; false: only exclusive ones.'),
    created: createdRange,
  },
});

export const taxRateActions = [createTaxRate, retrieveTaxRate, updateTaxRate, listTaxRates];
