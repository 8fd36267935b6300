import { z } from 'zod';
import { defineObject } from './define';
import { address, created, currency, expandable, livemode, metadata, objectId, openEnum, SAMPLE_ADDRESS, SAMPLE_CREATED } from './fields';

export const customerObject = defineObject(
  'customer',
  'A Stripe customer: who pays, with their contact details, default payment method and balance.',
  {
    id: objectId('cus'),
    address: address.nullable().describe('Billing address.'),
    balance: z.number().int().describe('Credit (negative) or debt (positive) applied to the next invoice, in the smallest currency unit.'),
    created,
    currency: currency.nullable().describe('The currency the customer is billed in, once set.'),
    default_source: expandable('source').nullable().describe('The default card or source id.'),
    delinquent: z.boolean().nullable().describe('Whether the latest invoice is past due.'),
    description: z.string().nullable(),
    email: z.string().nullable(),
    invoice_prefix: z.string().nullable().describe('Prefix of this customer\'s invoice numbers.'),
    invoice_settings: z
      .looseObject({
        custom_fields: z.array(z.looseObject({ name: z.string(), value: z.string() })).nullable(),
        default_payment_method: expandable('payment method').nullable(),
        footer: z.string().nullable(),
      })
      .describe('Defaults for the customer\'s invoices.'),
    livemode,
    metadata,
    name: z.string().nullable(),
    next_invoice_sequence: z.number().int().optional().describe('Sequence number of the next invoice.'),
    phone: z.string().nullable(),
    preferred_locales: z.array(z.string()).nullable(),
    shipping: z
      // The spec's `shipping` leaves address and name optional (Stripe requires both to set one).
      .looseObject({ address: address.optional(), name: z.string().optional(), phone: z.string().nullable().optional() })
      .nullable()
      .describe('Shipping name and address.'),
    tax_exempt: openEnum(['none', 'exempt', 'reverse'], 'Tax exemption status.').nullable(),
    test_clock: expandable('test clock').nullable(),
  },
  {
    id: 'cus_TZ0aSample0001',
    address: SAMPLE_ADDRESS,
    balance: 0,
    created: SAMPLE_CREATED,
    currency: 'usd',
    default_source: null,
    delinquent: false,
    description: 'Wholesale account',
    email: 'jenny.rosen@example.com',
    invoice_prefix: 'JR01',
    invoice_settings: { custom_fields: null, default_payment_method: 'pm_1TZ0aSampleCard01', footer: null },
    livemode: false,
    metadata: { crm_id: 'A-1042' },
    name: 'Jenny Rosen',
    next_invoice_sequence: 1,
    phone: '+14155550100',
    preferred_locales: ['en'],
    shipping: null,
    tax_exempt: 'none',
    test_clock: null,
  },
  { summary: ['id', 'name', 'email', 'phone', 'description', 'balance', 'currency', 'delinquent', 'created', 'metadata'] },
);
