/** What the CLI reads besides its arguments, and its error for a bad command line (exit code 2). */
import { StripeClient } from './client';
import { StripeInputValidationError } from './errors';
import { createLogger } from './logger';

export function inputError(field: string, message: string): StripeInputValidationError {
  return new StripeInputValidationError('Invalid command line', [{ field, message }]);
}

/** The connection from STRIPE_SECRET_KEY, STRIPE_ACCOUNT, STRIPE_API_VERSION (and STRIPE_API_BASE, read by the client). */
export function clientFromEnv(): StripeClient {
  const secretKey = process.env.STRIPE_SECRET_KEY;
  if (!secretKey) throw inputError('STRIPE_SECRET_KEY', 'set it to a Stripe secret key (sk_test_...) or restricted key (rk_...)');
  return new StripeClient(
    {
      secret_key: secretKey,
      stripe_account: process.env.STRIPE_ACCOUNT || undefined,
      api_version: process.env.STRIPE_API_VERSION || undefined,
    },
    // Unless asked for, no log lines: stderr is then exactly one {"error": ...} document on failure.
    { logger: createLogger({ level: process.env.LOG_LEVEL || 'silent' }) },
  );
}
