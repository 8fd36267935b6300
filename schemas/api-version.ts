/**
 * The Stripe API version every request pins unless the connection overrides it (stripe-node's pin as
 * of 2026-08). It lives with the schemas because they describe this version's objects and parameters.
 */
export const STRIPE_API_VERSION = '2026-08-26.dahlia';
