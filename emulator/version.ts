/** The API version the emulator answers as (and stamps on events) when a request pins none. */
export const DEFAULT_STRIPE_VERSION = '2026-08-26.dahlia';
