import { z } from 'zod';
import { ID_MAX_LENGTH } from '../schemas/limits';
import { defineAction, defineListAction } from './define';
import { customerId, expand, fields, idempotencyKey, metadata, stripeId } from '../schemas/common';
import { cardObject } from '../schemas/objects/card';
import { deletedOf } from '../schemas/objects/define';

const group = 'customer_sources';
const sourceId = stripeId(['card', 'ba', 'src'], 'saved card, bank account or source');

export const createCustomerSource = defineAction({
  key: 'create_customer_source',
  title: 'Add customer source',
  description:
    'Saves a card or bank account on a customer from a token (tok_visa in test mode) or a source id. The first one saved becomes the ' +
    'customer\'s default_source; later ones do not (update_customer with default_source to change it). Returns the card or bank account.',
  group,
  output: cardObject,
  method: 'POST',
  path: '/v1/customers/{customer_id}/sources',
  input: z
    .object({
      customer_id: customerId,
      source: z
        .string()
        .max(ID_MAX_LENGTH, `at most ${ID_MAX_LENGTH} characters`)
        .regex(/^(tok|btok|src)_[A-Za-z0-9_]+$/, 'expected a token or source id (tok_..., btok_..., src_...)')
        .describe('A card or bank account token (tok_visa in test mode, btok_... for bank accounts) or a source id (src_...).'),
      metadata: metadata.optional(),
      idempotency_key: idempotencyKey,
      expand,
    })
    .strict(),
});

export const retrieveCustomerSource = defineAction({
  key: 'retrieve_customer_source',
  title: 'Retrieve customer source',
  description: 'Retrieves one of a customer\'s saved cards, bank accounts or sources. Returns it.',
  group,
  output: cardObject,
  method: 'GET',
  path: '/v1/customers/{customer_id}/sources/{source_id}',
  input: z.object({ customer_id: customerId, source_id: sourceId, expand, fields }).strict(),
});

export const deleteCustomerSource = defineAction({
  key: 'delete_customer_source',
  title: 'Delete customer source',
  description:
    'Removes a saved card or bank account from a customer. If it was the default source, the most recently added remaining one becomes ' +
    'the default (none left: default_source becomes null). Returns { id, object, deleted: true }.',
  group,
  output: deletedOf(cardObject),
  method: 'DELETE',
  path: '/v1/customers/{customer_id}/sources/{source_id}',
  // The answer is a deleted stub: nothing to expand.
  input: z.object({ customer_id: customerId, source_id: sourceId }).strict(),
});

export const listCustomerSources = defineListAction({
  key: 'list_customer_sources',
  title: 'List customer sources',
  description: 'Lists a customer\'s saved cards and bank accounts, newest first, optionally only one kind. Returns { data, has_more }.',
  group,
  item: cardObject,
  path: '/v1/customers/{customer_id}/sources',
  filters: {
    customer_id: customerId,
    object: z.enum(['card', 'bank_account']).optional().describe('Only cards or only bank accounts.'),
  },
});

export const customerSourceActions = [
  createCustomerSource,
  retrieveCustomerSource,
  deleteCustomerSource,
  listCustomerSources,
];
