import { z } from 'zod';
import { ID_MAX_LENGTH } from '../schemas/limits';
import { defineAction, defineListAction, defineSearchAction, findById, itemExpand } from './define';
import { exactlyOne } from '../schemas/rules';
import { address, clearableFields, createdRange, customerId, email, expand, fields, idempotencyKey, metadata, metadataUpdate, optionalFields, paymentMethodId, shipping, stripeId } from '../schemas/common';
import { deletedOf, objectOrDeleted, objectOrNull } from '../schemas/objects/define';
import { customerObject } from '../schemas/objects/customer';

const group = 'customers';
/** Where Stripe can take a card or bank account from: a token, a source, or a saved card. */
const source = z
  .string()
  .max(ID_MAX_LENGTH, `at most ${ID_MAX_LENGTH} characters`)
  .regex(/^(tok|src|card|ba|btok)_[A-Za-z0-9_]+$/, 'expected a token or source id (tok_..., src_..., card_...)')
  .describe('A payment source to save as the default: a token such as tok_visa, or a source/card id.');

const invoiceSettings = z
  .object({
    default_payment_method: paymentMethodId.nullable().optional(),
    footer: z.string().max(5000).nullable().optional(),
    custom_fields: z
      .array(z.object({ name: z.string().min(1).max(40), value: z.string().min(1).max(140) }).strict())
      .max(4)
      .nullable()
      .optional(),
  })
  .strict()
  .describe('Defaults for invoices sent to this customer.');

const taxExempt = z.enum(['none', 'exempt', 'reverse']).describe('The customer\'s tax exemption status.');

/** Fields Stripe lets an update clear (null is sent as its empty value). */
const clearableCustomerFields = {
  name: z.string().max(256).describe('Full name or business name.'),
  email: email.describe('Email address.'),
  phone: z.string().max(20).describe('Phone number.'),
  description: z.string().max(350).describe('An internal note, shown in the Dashboard.'),
  address: address.describe('Billing address.'),
  shipping: shipping.describe('Shipping name and address.'),
  tax_exempt: taxExempt,
};

/** Fields an update can change but not clear. */
const settableCustomerFields = {
  preferred_locales: z.array(z.string().min(2).max(10)).max(10).describe('Preferred languages, most preferred first, e.g. ["en", "fr"].'),
  invoice_prefix: z.string().regex(/^[A-Z0-9]{3,12}$/, 'expected 3-12 uppercase letters or digits').describe('Prefix of the customer\'s invoice numbers.'),
  balance: z.number().int().describe('Balance in the smallest currency unit applied to the next invoice (negative = credit).'),
  next_invoice_sequence: z.number().int().min(1).describe('The sequence number of the customer\'s next invoice.'),
};

export const createCustomer = defineAction({
  key: 'create_customer',
  title: 'Create customer',
  description: 'Creates a customer. Every field is optional; pass source (e.g. tok_visa) to save a default card. Returns the customer.',
  group,
  output: customerObject,
  method: 'POST',
  path: '/v1/customers',
  input: z
    .object({
      ...optionalFields({ ...clearableCustomerFields, ...settableCustomerFields }),
      metadata: metadata.optional(),
      invoice_settings: invoiceSettings.optional(),
      payment_method: paymentMethodId.optional().describe('A payment method to attach to the new customer.'),
      source: source.optional(),
      test_clock: stripeId(['clock'], 'test clock').optional(),
      idempotency_key: idempotencyKey,
      expand,
    })
    .strict(),
});

export const retrieveCustomer = defineAction({
  key: 'retrieve_customer',
  title: 'Retrieve customer',
  description: 'Retrieves a customer by id. A deleted customer comes back as { id, object, deleted: true }.',
  group,
  output: objectOrDeleted(customerObject),
  method: 'GET',
  path: '/v1/customers/{customer_id}',
  input: z.object({ customer_id: customerId, expand, fields }).strict(),
});

export const updateCustomer = defineAction({
  key: 'update_customer',
  title: 'Update customer',
  description: 'Updates the fields you pass and leaves the rest; null clears a field. Metadata merges. Returns the customer.',
  group,
  output: customerObject,
  method: 'POST',
  path: '/v1/customers/{customer_id}',
  input: z
    .object({
      customer_id: customerId,
      ...clearableFields(clearableCustomerFields),
      ...optionalFields(settableCustomerFields),
      metadata: metadataUpdate.optional(),
      invoice_settings: invoiceSettings.optional(),
      source: source.optional(),
      default_source: z.string().max(ID_MAX_LENGTH, `at most ${ID_MAX_LENGTH} characters`).regex(/^(card|src|ba)_[A-Za-z0-9_]+$/, 'expected a card, source or bank account id').optional()
        .describe('One of the customer\'s saved sources to make the default.'),
      expand,
    })
    .strict(),
});

export const deleteCustomer = defineAction({
  key: 'delete_customer',
  title: 'Delete customer',
  description: 'Permanently deletes a customer and cancels their active subscriptions. Returns { id, object, deleted: true }.',
  group,
  output: deletedOf(customerObject),
  method: 'DELETE',
  path: '/v1/customers/{customer_id}',
  // Stripe's DELETE takes no expand: the answer is a deleted stub.
  input: z.object({ customer_id: customerId }).strict(),
});

export const listCustomers = defineListAction({
  key: 'list_customers',
  title: 'List customers',
  description: 'Lists customers, newest first, optionally by exact email or creation time. Returns { data, has_more }.',
  group,
  item: customerObject,
  path: '/v1/customers',
  filters: {
    email: z.string().max(512).optional().describe('Only customers with exactly this email (case-sensitive).'),
    created: createdRange,
    test_clock: stripeId(['clock'], 'test clock').optional(),
  },
});

export const searchCustomers = defineSearchAction({
  key: 'search_customers',
  title: 'Search customers',
  description:
    'Searches customers with Stripe\'s search language. Results can lag new writes by about a minute. Returns { data, has_more, next_page }.',
  group,
  item: customerObject,
  path: '/v1/customers/search',
  queryHelp:
    "Stripe search query over email, name, phone, created and metadata, e.g. email:'jane@example.com', name~'jan', metadata['plan']:'pro' AND created>1700000000.",
});

export const findCustomer = defineAction({
  key: 'find_customer',
  title: 'Find customer',
  description:
    'Looks a customer up by id or by exact email (give exactly one). By email it returns the newest customer with exactly that address ' +
    '(case-sensitive). Returns the customer, or null when there is none: a deleted or unknown customer is null, not an error.',
  group,
  output: objectOrNull(customerObject),
  method: 'GET',
  path: '/v1/customers',
  input: z
    .object({
      customer_id: customerId.optional().describe('The customer id (cus_...). Not with email.'),
      email: z.string().min(1).max(512).optional().describe('An exact email address (case-sensitive). Not with customer_id.'),
      expand,
      fields,
    })
    .strict(),
  rules: [exactlyOne('customer_id', 'email')],
  async run(ctx, input) {
    if (input.customer_id !== undefined) {
      return findById(ctx, { key: 'find_customer', path: '/v1/customers/{customer_id}' }, { customer_id: input.customer_id, expand: input.expand });
    }
    const page = await ctx.client.list('/v1/customers', { email: input.email, limit: 1, expand: itemExpand(input.expand) });
    return page.data[0] ?? null;
  },
});

export const customerActions = [createCustomer, retrieveCustomer, updateCustomer, deleteCustomer, listCustomers, searchCustomers, findCustomer];
