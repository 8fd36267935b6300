/**
 * What any id must look like once its prefix is checked: it is put into a URL path. Coupon ids, which
 * you choose, may hold a hyphen (Stripe's rule since API 2018-05-21); no character here can change a path.
 * (Apart from common.ts, which builds zod schemas, so the client and the generic runner can check ids
 * without loading zod.)
 */
export const ID_CHARACTERS = /^[A-Za-z0-9_-]+$/;
