/** The CLI's error for a bad command line (exit code 2), shared by the action and trigger commands. */
import { StripeInputValidationError } from './errors';

export function inputError(field: string, message: string): StripeInputValidationError {
  return new StripeInputValidationError('Invalid command line', [{ field, message }]);
}
