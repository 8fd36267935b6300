import { z } from 'zod';

/**
 * Input fragments every action shares, so each convention is written once: Stripe ids, metadata,
 * expand, idempotency keys, list paging and search paging.
 */

import { ID_CHARACTERS } from './ids';
import {
  ID_MAX_LENGTH,
  METADATA_KEY_MAX_LENGTH,
  METADATA_MAX_KEYS,
  METADATA_VALUE_MAX_LENGTH,
  PROTOTYPE_KEYS,
  TEXT_MAX_LENGTH,
} from './limits';

export { ID_CHARACTERS, ID_MAX_LENGTH };

/** An id of one Stripe object type, e.g. `stripeId(['cus'], 'customer')` accepts `cus_NffrFeUfNV2Hib`. */
export function stripeId(prefixes: readonly string[], noun: string) {
  const pattern = new RegExp(`^(${prefixes.join('|')})_[A-Za-z0-9_]+$`);
  return z
    .string()
    .max(ID_MAX_LENGTH, `at most ${ID_MAX_LENGTH} characters (Stripe's ids are no longer)`)
    .regex(pattern, `expected a ${noun} id (${prefixes.map((p) => `${p}_...`).join(' or ')})`)
    .describe(`The ${noun} id (${prefixes.map((p) => `${p}_...`).join(' or ')}).`);
}

/** Ids that nearly every group of actions takes; here rather than in one group's file so no action file has to import another in a cycle. */
export const customerId = stripeId(['cus'], 'customer');
/** A saved payment method, or one of Stripe's test ids such as pm_card_visa in test mode. */
export const paymentMethodId = stripeId(['pm'], 'payment method');

/** A cursor id for paging: any Stripe id (the list decides its type). */
const cursorId = z
  .string()
  .max(ID_MAX_LENGTH, `at most ${ID_MAX_LENGTH} characters (Stripe's ids are no longer)`)
  .regex(ID_CHARACTERS, 'expected a Stripe object id');

/** A key JavaScript would drop from a copied object (`__proto__`) or misread: refused, never sent. */
const NOT_A_PROTOTYPE_KEY = new RegExp(`^(?!(${[...PROTOTYPE_KEYS].join('|')})$)`);

/** Stripe's metadata: up to 50 keys of at most 40 characters, values of at most 500. */
export const metadata = z
  // A bracket in a key would read as nesting in Stripe's form encoding (metadata[a[b]]).
  .record(
    z
      .string()
      .min(1)
      .max(METADATA_KEY_MAX_LENGTH)
      .regex(/^[^[\]]+$/, 'metadata keys cannot contain [ or ]')
      .regex(NOT_A_PROTOTYPE_KEY, 'metadata keys cannot be __proto__, constructor or prototype'),
    z.string().max(METADATA_VALUE_MAX_LENGTH),
  )
  .refine((value) => Object.keys(value).length <= METADATA_MAX_KEYS, `at most ${METADATA_MAX_KEYS} keys`)
  .meta({
    maxProperties: METADATA_MAX_KEYS,
    description: 'Key-value pairs stored on the object (up to 50 keys; keys up to 40 characters, values up to 500).',
  });

/** Metadata on an update merges: a key set to "" is removed; null removes every key. */
export const metadataUpdate = metadata.nullable().meta({
  description:
    'Key-value pairs to merge into the object\'s metadata. A key set to "" is removed; null removes all metadata.',
});

export const expand = z
  .array(z.string().regex(/^[a-z0-9_]+(\.[a-z0-9_]+){0,3}$/, 'expected a field path such as customer or data.customer'))
  .max(20)
  .optional()
  .describe('Fields to expand into full objects in the response, e.g. ["customer"].');

/**
 * Which fields of each returned object to keep, as dot paths. Applied by the connector to Stripe's
 * answer (Stripe has no such parameter), so a model or a step gets only what it maps.
 */
export const fields = z
  .array(
    z
      .string()
      .max(200)
      .regex(/^(\*|[a-z0-9_]+(\.[a-z0-9_]+)*)$/, 'expected a field path such as amount or customer.email, or *')
      .refine((path) => !path.split('.').some((name) => PROTOTYPE_KEYS.has(name)), 'a field path cannot name __proto__, constructor or prototype'),
  )
  .min(1)
  .max(100)
  .optional()
  .describe(
    'Only these fields of each object, as dot paths: ["id", "amount", "status", "customer.email"] (a path into a related object needs it in expand). id is always kept; ["*"] keeps every field. Default: every field.',
  );

/** An idempotency key as Stripe takes it (up to 255 characters), and as a header can carry it (printable ASCII). */
export const idempotencyKeyValue = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x20-\x7E]+$/, 'expected printable ASCII (it is sent as a header)');

export const idempotencyKey = idempotencyKeyValue
  .optional()
  .describe(
    'Makes the create safe to repeat: Stripe returns the first result for a repeated key (kept at least 24 hours). Default: a new key per run, reused by the connector\'s own retries.',
  );

export const currency = z
  .string()
  .regex(/^[A-Za-z]{3}$/, 'expected a three-letter ISO currency code such as usd')
  .transform((code) => code.toLowerCase())
  .describe('Three-letter ISO currency code, such as usd or jpy.');

export const amount = z
  .number()
  .int('expected an integer in the smallest currency unit')
  .positive()
  .describe(
    'Amount in the smallest currency unit: 1000 is $10.00 in usd, but ¥1000 in jpy (a zero-decimal currency) and 1.000 in bhd (three decimals).',
  );

export const email = z.string().max(512).email();

/**
 * A snake_case type name Stripe keeps adding values to between API versions (payment method types,
 * balance transaction types): checked for shape, not against a list frozen at one version.
 */
export function openType(examples: string) {
  return z.string().regex(/^[a-z][a-z0-9_]*$/, `expected a type name such as ${examples}`);
}

/** card, sepa_debit, us_bank_account, ... */
export const paymentMethodType = openType('card or sepa_debit');

export const address = z
  .object({
    line1: z.string().optional(),
    line2: z.string().optional(),
    city: z.string().optional(),
    state: z.string().optional(),
    postal_code: z.string().optional(),
    country: z.string().regex(/^[A-Z]{2}$/, 'expected a two-letter country code such as US').optional(),
  })
  .strict();

export const shipping = z
  .object({
    name: z.string().min(1),
    address,
    phone: z.string().optional(),
    carrier: z.string().optional(),
    tracking_number: z.string().optional(),
  })
  .strict();

/** A range over unix seconds, as Stripe's `created[gt]`, `created[lte]`, ... filters. */
export const createdRange = z
  .object({
    gt: z.number().int().optional(),
    gte: z.number().int().optional(),
    lt: z.number().int().optional(),
    lte: z.number().int().optional(),
  })
  .strict()
  .optional()
  .describe('Only objects created in this range (unix seconds): {"gte": 1700000000, "lt": 1700086400}.');

export const MAX_ITEMS_DEFAULT = 1_000;
export const MAX_ITEMS_LIMIT = 10_000;

const limit = z.number().int().min(1).max(100).default(10).describe('Page size, 1 to 100 (default 10).');
const returnAll = z
  .boolean()
  .default(false)
  .describe('Walk every page (100 per request) and return up to max_items objects.');
const maxItems = z
  .number()
  .int()
  .min(1)
  .max(MAX_ITEMS_LIMIT)
  .default(MAX_ITEMS_DEFAULT)
  .describe(`With return_all, stop after this many objects (default ${MAX_ITEMS_DEFAULT}, at most ${MAX_ITEMS_LIMIT}); has_more says whether any were left.`);

/** Paging inputs of every list action; filters are added per list. */
export const listPaging = {
  limit,
  starting_after: cursorId
    .optional()
    .describe('Cursor: the page of objects older than this id (the last id of the previous page). Not with ending_before.'),
  ending_before: cursorId
    .optional()
    .describe('Cursor: the objects newer than this id. With return_all the walk goes forward in time, oldest first. Not with starting_after.'),
  return_all: returnAll,
  max_items: maxItems,
  expand,
  fields,
};

/** Inputs of every search action (Stripe's search query language). */
export function searchInput(queryHelp: string) {
  return z
    .object({
      query: z.string().min(1).max(TEXT_MAX_LENGTH).describe(queryHelp),
      limit,
      page: z
        .string()
        .min(1)
        .max(ID_MAX_LENGTH, `at most ${ID_MAX_LENGTH} characters`)
        .optional()
        .describe('Cursor: the next_page value of the previous result.'),
      return_all: returnAll,
      max_items: maxItems,
      expand,
      fields,
    })
    .strict();
}

type Fields = Record<string, z.ZodType>;

/** Every field optional (a create where nothing is required). */
export function optionalFields<F extends Fields>(fields: F): { [K in keyof F]: z.ZodOptional<F[K]> } {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v.optional()])) as { [K in keyof F]: z.ZodOptional<F[K]> };
}

/** Every field optional, and null to clear it (sent as Stripe's empty value): an update's fields. */
export function clearableFields<F extends Fields>(fields: F): { [K in keyof F]: z.ZodOptional<z.ZodNullable<F[K]>> } {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v.nullable().optional()])) as {
    [K in keyof F]: z.ZodOptional<z.ZodNullable<F[K]>>;
  };
}
