import type * as QueryString from 'qs';

let qs: typeof QueryString | undefined;

/**
 * Stripe's form encoding, for POST bodies and query strings alike:
 * `metadata[plan]=pro`, `expand[0]=customer`, `items[0][price]=price_1`; `null` -> `field=` (Stripe's "unset"),
 * `undefined` dropped, booleans as `true`/`false`. Brackets stay literal for readable logs and bodies;
 * everything else is percent-encoded. (qs is loaded on the first call, not at import.)
 */
export function encodeStripeForm(params: Record<string, unknown> | undefined): string {
  if (!params) return '';
  qs ??= require('qs') as typeof QueryString;
  return qs
    .stringify(params, { arrayFormat: 'indices', skipNulls: false, strictNullHandling: false })
    .replace(/%5B/g, '[')
    .replace(/%5D/g, ']');
}
