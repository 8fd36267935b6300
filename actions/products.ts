import { z } from 'zod';
import { defineAction, defineListAction, defineSearchAction } from './define';
import { clearableFields, createdRange, expand, fields, idempotencyKey, metadata, metadataUpdate, optionalFields } from '../schemas/common';
import { deletedOf } from '../schemas/objects/define';
import { productObject } from '../schemas/objects/product';
import { priceData, priceDataRules, priceId, productId, statementDescriptor } from './prices';

const group = 'products';

/** Fields Stripe lets a product update clear (null is sent as its empty value). */
const clearableProductFields = {
  description: z.string().max(40000).describe('Shown to customers at checkout and on invoices.'),
  images: z.array(z.string().url()).max(8).describe('Up to 8 image URLs shown at checkout.'),
  marketing_features: z
    .array(z.object({ name: z.string().min(1).max(80) }).strict())
    .max(15)
    .describe('Feature lines shown in pricing tables, e.g. [{"name": "Unlimited projects"}].'),
  tax_code: z.string().regex(/^txcd_\d+$/, 'expected a tax code such as txcd_10000000').describe('Stripe Tax code, e.g. txcd_10000000.'),
  unit_label: z.string().max(12).describe('The unit name on receipts and invoices, e.g. "seat".'),
  url: z.string().url().max(5000).describe('A public web page for the product.'),
};

/** Fields an update can change but not clear. */
const settableProductFields = {
  active: z.boolean().describe('Whether the product can be sold (false archives it).'),
  shippable: z.boolean().describe('Whether the product is shipped (a physical good).'),
  statement_descriptor: statementDescriptor,
};

export const createProduct = defineAction({
  key: 'create_product',
  title: 'Create product',
  description:
    'Creates a product. Only name is required. Pass default_price_data to create its first price at the same time (it becomes default_price). Returns the product.',
  group,
  output: productObject,
  method: 'POST',
  path: '/v1/products',
  input: z
    .object({
      name: z.string().min(1).max(5000).describe('The product\'s name, shown to customers.'),
      ...optionalFields({ ...clearableProductFields, ...settableProductFields }),
      default_price_data: priceData
        .optional()
        .describe('Creates the product\'s default price: currency plus unit_amount (or unit_amount_decimal), and recurring for a subscription price.'),
      metadata: metadata.optional(),
      idempotency_key: idempotencyKey,
      expand,
    })
    .strict()
    .superRefine((input, ctx) => {
      if (input.default_price_data) priceDataRules(input.default_price_data, ctx, ['default_price_data']);
    }),
});

export const retrieveProduct = defineAction({
  key: 'retrieve_product',
  title: 'Retrieve product',
  description: 'Retrieves a product by id. A deleted product comes back as { id, object, deleted: true }.',
  group,
  output: productObject,
  method: 'GET',
  path: '/v1/products/{product_id}',
  input: z.object({ product_id: productId, expand, fields }).strict(),
});

export const updateProduct = defineAction({
  key: 'update_product',
  title: 'Update product',
  description:
    'Updates the fields you pass; null clears a field. Set active to false to archive the product, default_price to one of its active prices (null unsets it). Metadata merges. Returns the product.',
  group,
  output: productObject,
  method: 'POST',
  path: '/v1/products/{product_id}',
  input: z
    .object({
      product_id: productId,
      name: z.string().min(1).max(5000).optional().describe('The product\'s name, shown to customers.'),
      ...clearableFields(clearableProductFields),
      ...optionalFields(settableProductFields),
      default_price: priceId
        .nullable()
        .optional()
        .describe('One of this product\'s active prices to make the default (price_...); null unsets it.'),
      metadata: metadataUpdate.optional(),
      expand,
    })
    .strict(),
});

export const deleteProduct = defineAction({
  key: 'delete_product',
  title: 'Delete product',
  description:
    'Deletes a product that has no prices. Stripe refuses to delete a product with prices (prices cannot be deleted): archive it with update_product active=false instead. Returns { id, object, deleted: true }.',
  group,
  output: deletedOf(productObject),
  method: 'DELETE',
  path: '/v1/products/{product_id}',
  input: z.object({ product_id: productId }).strict(),
});

export const listProducts = defineListAction({
  key: 'list_products',
  title: 'List products',
  description: 'Lists products, newest first, optionally only active or archived ones, by ids, shippable, url or creation time. Returns { data, has_more }.',
  group,
  item: productObject,
  path: '/v1/products',
  filters: {
    active: z.boolean().optional().describe('true: only active products; false: only archived ones.'),
    ids: z.array(productId).min(1).max(100).optional().describe('Only these products.'),
    shippable: z.boolean().optional().describe('Only products that are (or are not) shippable.'),
    url: z.string().max(5000).optional().describe('Only the product with this url.'),
    created: createdRange,
  },
});

export const searchProducts = defineSearchAction({
  key: 'search_products',
  title: 'Search products',
  description:
    'Searches products with Stripe\'s search language. Results can lag new writes by about a minute. Returns { data, has_more, next_page }.',
  group,
  item: productObject,
  path: '/v1/products/search',
  queryHelp:
    "Stripe search query over active, name, description, shippable, url, created and metadata, e.g. active:'true' AND name~'shirt', metadata['sku']:'A-12'.",
});

export const productActions = [createProduct, retrieveProduct, updateProduct, deleteProduct, listProducts, searchProducts];
