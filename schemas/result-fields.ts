/**
 * The `fields` input's wildcard: every field, which is what a host gets when it gives no `fields`.
 * (Apart from common.ts, which builds zod schemas, so the runner can apply `fields` without loading zod.)
 */
export const ALL_FIELDS = '*';
