import { z } from 'zod';

/** Secret (`sk_`) and restricted (`rk_`) keys, test or live. Publishable keys (`pk_`) cannot call the API. */
export const SECRET_KEY_PATTERN = /^(sk|rk)_(test|live)_[A-Za-z0-9]{8,}$/;
export const ACCOUNT_ID_PATTERN = /^acct_[A-Za-z0-9]+$/;
export const API_VERSION_PATTERN = /^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/;

export const connectionSchema = z
  .object({
    secret_key: z
      .string()
      .superRefine((key, ctx) => {
        if (SECRET_KEY_PATTERN.test(key)) return;
        ctx.addIssue({
          code: 'custom',
          message: key.startsWith('pk_')
            ? 'a publishable key (pk_...) cannot call the Stripe API from a server; use a secret key (sk_...) or a restricted key (rk_...)'
            : 'expected a Stripe secret key (sk_test_/sk_live_...) or restricted key (rk_test_/rk_live_...)',
        });
      })
      .meta({
        title: 'Secret key',
        description:
          'Stripe secret key (sk_test_/sk_live_) or restricted key (rk_test_/rk_live_), from Dashboard > Developers > API keys. Test keys act on test data only.',
        pattern: SECRET_KEY_PATTERN.source,
        writeOnly: true,
        'x-secret': true,
      }),
    stripe_account: z
      .string()
      .regex(ACCOUNT_ID_PATTERN, 'expected a connected account id (acct_...)')
      .optional()
      .meta({
        title: 'Connected account',
        description: 'Optional. Act on this connected account (Stripe Connect) by sending the Stripe-Account header.',
      }),
    api_version: z
      .string()
      .regex(API_VERSION_PATTERN, 'expected a Stripe API version such as 2026-08-26.dahlia')
      .optional()
      .meta({
        title: 'API version',
        description: 'Optional. Overrides the Stripe-Version the connector pins.',
      }),
  })
  .strict();

export type ConnectionConfig = z.input<typeof connectionSchema>;
