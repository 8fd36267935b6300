/**
 * Field types that many object schemas share. Each says what Stripe sends, so a flow builder knows
 * the type before the action runs.
 */
import { z } from 'zod';

/** The fixed time every sample is stamped with (2026-01-01T00:00:00Z), so samples never change. */
export const SAMPLE_CREATED = 1767225600;

/** An object's own id, e.g. `objectId('cus')` for `cus_...`. */
// A pattern, not .startsWith(): zod exports that as a custom `format` JSON Schema validators warn about.
export const objectId = (prefix: string) =>
  z.string().regex(new RegExp(`^${prefix}_`)).describe(`Unique identifier (${prefix}_...).`);

/**
 * A field Stripe documents with fixed values. Kept an open string on purpose: Stripe adds values
 * (a new status, a new payment method type), and an output check must not fail a flow, or an MCP
 * client's result validation, the day it does.
 */
export const openEnum = (values: readonly string[], description: string) =>
  z.string().describe(`${description} One of: ${values.join(', ')} (Stripe may add values).`);

export const created = z.number().int().describe('When it was created (Unix time, seconds).');
export const livemode = z.boolean().describe('true in live mode, false in test mode.');
export const metadata = z.record(z.string(), z.string()).describe('Your key-value pairs.');
export const currency = z.string().length(3).describe('Three-letter ISO currency code, lowercase.');
/** An amount in the smallest currency unit (cents; yen for JPY). */
export const amount = z.number().int().describe('In the smallest currency unit (e.g. cents; 100 = $1.00, 100 = ¥100).');

/**
 * A reference to another object: its id, or the object itself when the request expanded it
 * (`expand: ['customer']`).
 */
export const expandable = (what: string) =>
  z
    .union([z.string(), z.looseObject({ id: z.string() })])
    .describe(`The ${what}'s id, or the ${what} object when expanded.`);

export const address = z
  .looseObject({
    city: z.string().nullable(),
    country: z.string().nullable(),
    line1: z.string().nullable(),
    line2: z.string().nullable(),
    postal_code: z.string().nullable(),
    state: z.string().nullable(),
  })
  .describe('A postal address.');

export const SAMPLE_ADDRESS = {
  city: 'San Francisco',
  country: 'US',
  line1: '510 Townsend St',
  line2: null,
  postal_code: '94103',
  state: 'CA',
};
