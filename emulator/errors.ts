import type { StripeErrorBody } from './types';

/**
 * A Stripe error response. Thrown anywhere in request handling and turned into
 * `{"error": {...}}` with this status by the server.
 *
 * `stage` tells idempotency whether the request had started executing: Stripe stores no
 * idempotent result for requests rejected before execution (bad parameters, auth, rate limits),
 * but stores and replays everything after (card declines, missing objects, 500s).
 */
export class StripeError extends Error {
  constructor(
    readonly status: number,
    readonly body: StripeErrorBody,
    readonly stage: 'validation' | 'execution' = 'execution',
    readonly headers: Record<string, string> = {},
  ) {
    super(body.message);
    this.name = 'StripeError';
  }
}

const DOCS = 'https://stripe.com/docs/error-codes';

function withDocUrl(body: StripeErrorBody): StripeErrorBody {
  return body.code && !body.doc_url ? { ...body, doc_url: `${DOCS}/${body.code.replace(/_/g, '-')}` } : body;
}

export function invalidRequest(
  message: string,
  extra: { code?: string; param?: string; status?: number; stage?: 'validation' | 'execution' } = {},
): StripeError {
  const body: StripeErrorBody = { type: 'invalid_request_error', message };
  if (extra.code) body.code = extra.code;
  if (extra.param) body.param = extra.param;
  return new StripeError(extra.status ?? 400, withDocUrl(body), extra.stage ?? 'execution');
}

/** A parameter problem: rejected before execution, so never stored for idempotency. */
export function paramError(message: string, code: string | undefined, param: string | undefined): StripeError {
  return invalidRequest(message, { code, param, stage: 'validation' });
}

export const paramUnknown = (param: string) =>
  paramError(`Received unknown parameter: ${param}`, 'parameter_unknown', param);

export const paramMissing = (param: string) =>
  paramError(`Missing required param: ${param}.`, 'parameter_missing', param);

export const paramEmpty = (param: string) =>
  paramError(
    `You passed an empty string for '${param}'. We assume empty values are an attempt to unset a parameter; ` +
      `however '${param}' cannot be unset. You should remove '${param}' from your request or supply a non-empty value.`,
    'parameter_invalid_empty',
    param,
  );

/** `No such customer: 'cus_x'` — 404 for the object in the path, 400 for one named in a parameter. */
export function resourceMissing(type: string, id: string, param: string, status = 404): StripeError {
  return invalidRequest(`No such ${type.replace(/_/g, ' ')}: '${id}'`, { code: 'resource_missing', param, status });
}

export function cardError(
  message: string,
  fields: { code: string; decline_code?: string; param?: string; charge?: string },
): StripeError {
  const body: StripeErrorBody = { type: 'card_error', message, code: fields.code };
  if (fields.decline_code) body.decline_code = fields.decline_code;
  if (fields.param) body.param = fields.param;
  if (fields.charge) body.charge = fields.charge;
  return new StripeError(402, withDocUrl(body), 'execution');
}

/** Stripe's error responses never echo a key: only its prefix and last four characters. */
export function maskKey(key: string): string {
  const prefix = /^(sk|rk|pk)_(test|live)_/.exec(key)?.[0] ?? '';
  const rest = key.slice(prefix.length);
  if (rest.length <= 4) return prefix + '*'.repeat(rest.length);
  return prefix + '*'.repeat(rest.length - 4) + rest.slice(-4);
}

/** A plausible default body for an injected status fault. */
export function defaultErrorForStatus(status: number): StripeErrorBody {
  switch (status) {
    case 400:
      return { type: 'invalid_request_error', message: 'Invalid request (injected by the emulator).' };
    case 401:
      return { type: 'invalid_request_error', message: 'Invalid API Key provided: sk_test_****' };
    case 402:
      return {
        type: 'card_error',
        code: 'card_declined',
        decline_code: 'generic_decline',
        message: 'Your card was declined.',
      };
    case 403:
      return { type: 'invalid_request_error', message: 'The provided key does not have the required permissions for this endpoint.' };
    case 404:
      return { type: 'invalid_request_error', code: 'resource_missing', message: 'No such object (injected by the emulator).' };
    case 409:
      return {
        type: 'idempotency_error',
        code: 'idempotency_key_in_use',
        message: 'There is currently another in-progress request using this Idempotent Key. Please try again later.',
      };
    case 429:
      return rateLimitBody();
    default:
      if (status >= 500 || status === 424) {
        return {
          type: 'api_error',
          message: 'An unknown error occurred while processing this request (injected by the emulator).',
        };
      }
      return { type: 'invalid_request_error', message: `Request failed with status ${status} (injected by the emulator).` };
  }
}

export function rateLimitBody(): StripeErrorBody {
  return {
    type: 'invalid_request_error',
    code: 'rate_limit',
    message: 'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.',
    doc_url: `${DOCS}/rate-limit`,
  };
}
