import { z } from 'zod';
import { defineObject } from './define';
import { created, expandable, livemode, metadata, SAMPLE_CREATED } from './fields';

export const productObject = defineObject(
  'product',
  'A Stripe product: something you sell (a good or a service), priced by one or more prices.',
  {
    id: z.string().min(1).describe('Unique identifier: prod_..., or the custom id given at creation.'),
    active: z.boolean().describe('Whether the product can be sold; false when archived.'),
    created,
    default_price: expandable('price').nullable().describe('The product\'s default price (price_...); null when none is set.'),
    description: z.string().nullable().describe('Shown to customers at checkout and on invoices.'),
    images: z.array(z.string()).describe('Image URLs shown at checkout (up to 8).'),
    livemode,
    marketing_features: z
      .array(z.looseObject({ name: z.string().optional() }))
      .describe('Feature lines shown in pricing tables.'),
    metadata,
    name: z.string().describe('The product\'s name, shown to customers.'),
    package_dimensions: z
      .looseObject({ height: z.number(), length: z.number(), weight: z.number(), width: z.number() })
      .nullable()
      .describe('Shipping size (inches) and weight (ounces); null when not set.'),
    shippable: z.boolean().nullable().describe('Whether the product is shipped; null when not set.'),
    statement_descriptor: z.string().nullable().describe('Text on the customer\'s card statement.'),
    tax_code: expandable('tax code').nullable().describe('Stripe Tax code (txcd_...).'),
    unit_label: z.string().nullable().describe('The unit name on receipts and invoices, e.g. "seat".'),
    updated: z.number().int().describe('When it was last changed (Unix time, seconds).'),
    url: z.string().nullable().describe('A public web page for the product.'),
  },
  {
    id: 'prod_TZ0aSample0001',
    active: true,
    created: SAMPLE_CREATED,
    default_price: 'price_1TZ0aSamplePrice0001',
    description: 'Unlimited projects and priority support, billed monthly.',
    images: ['https://example.com/images/pro-plan.png'],
    livemode: false,
    marketing_features: [{ name: 'Unlimited projects' }],
    metadata: { sku: 'PRO-M' },
    name: 'Pro plan',
    package_dimensions: null,
    shippable: null,
    statement_descriptor: 'EXAMPLE PRO',
    tax_code: 'txcd_10000000',
    unit_label: 'seat',
    updated: SAMPLE_CREATED + 60,
    url: 'https://example.com/pro',
  },
  { summary: ['id', 'name', 'active', 'description', 'default_price', 'created', 'metadata'] },
);
