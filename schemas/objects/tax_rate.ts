import { z } from 'zod';
import { defineObject } from './define';
import { created, livemode, metadata, objectId, openEnum, SAMPLE_CREATED } from './fields';

const TAX_TYPES = ['amusement_tax', 'communications_tax', 'gst', 'hst', 'igst', 'jct', 'lease_tax', 'pst', 'qst', 'rst', 'sales_tax', 'vat'];

export const taxRateObject = defineObject(
  'tax_rate',
  'A tax rate (e.g. 19% VAT) applied to invoices, subscriptions and checkout; percentage and inclusive are fixed once created.',
  {
    id: objectId('txr'),
    active: z.boolean().describe('Whether it can be applied to new items; false means archived.'),
    country: z.string().nullable().describe('Two-letter country code (ISO 3166-1), or null.'),
    created,
    description: z.string().nullable().describe('Internal note, not shown to customers.'),
    display_name: z.string().describe('The tax name customers see on invoices, e.g. "VAT".'),
    effective_percentage: z
      .number()
      .nullable()
      .describe('The percentage actually applied (differs from percentage only for some Stripe Tax jurisdictions); null when not computed.'),
    inclusive: z.boolean().describe('true: prices already include this tax; false: it is added on top.'),
    jurisdiction: z.string().nullable().describe('The tax jurisdiction shown on invoices, e.g. "Berlin".'),
    jurisdiction_level: openEnum(['city', 'country', 'county', 'district', 'multiple', 'state'], 'The level of the jurisdiction.').nullable(),
    livemode,
    metadata: metadata.nullable(),
    percentage: z.number().describe('The rate in percent, e.g. 19 or 8.875 (not a fraction).'),
    state: z.string().nullable().describe('State or province code without the country (ISO 3166-2), e.g. NY.'),
    tax_type: openEnum(TAX_TYPES, 'The kind of tax.').nullable(),
  },
  {
    id: 'txr_1TZ0aSample0001',
    active: true,
    country: 'DE',
    created: SAMPLE_CREATED,
    description: 'VAT Germany',
    display_name: 'VAT',
    effective_percentage: 19,
    inclusive: false,
    jurisdiction: 'DE',
    jurisdiction_level: null,
    livemode: false,
    metadata: {},
    percentage: 19,
    state: null,
    tax_type: 'vat',
  },
  { summary: ['id', 'display_name', 'percentage', 'inclusive', 'country', 'state', 'jurisdiction', 'active'] },
);
