/**
 * Errors as a small typed hierarchy, modelled on stripe-node's: one class per kind of failure a caller
 * handles differently, each carrying Stripe's own fields plus the Request-Id and HTTP status.
 */

export interface StripeErrorFields {
  message: string;
  type?: string;
  code?: string;
  decline_code?: string;
  param?: string;
  doc_url?: string;
  requestId?: string;
  statusCode?: number;
  retryable?: boolean;
  /** Ids Stripe attaches to some errors (a declined charge, a payment intent). */
  charge?: string;
  payment_intent?: string;
  /** Stripe's whole error body (`{ error: {...} }`), or the response text when it was not JSON. */
  raw?: unknown;
}

/** The JSON form printed by the CLI and returned to hosts. */
export interface StripeErrorJSON {
  name: string;
  type: string;
  message: string;
  code?: string;
  decline_code?: string;
  param?: string;
  doc_url?: string;
  request_id?: string;
  status?: number;
  retryable: boolean;
  charge?: string;
  payment_intent?: string;
  fields?: FieldProblem[];
}

import { maskDeep, maskSecrets } from './secrets';

export { maskDeep, maskSecrets };

export class StripeError extends Error {
  /** Stripe's error type (`card_error`, `invalid_request_error`, ...) or ours for errors raised before a request. */
  readonly type: string;
  readonly code?: string;
  readonly decline_code?: string;
  readonly param?: string;
  readonly doc_url?: string;
  readonly requestId?: string;
  readonly statusCode?: number;
  /** Whether sending the same request again may succeed (the client has already retried when it could). */
  readonly retryable: boolean;
  readonly charge?: string;
  readonly payment_intent?: string;
  /** Stripe's error body as it came (masked like every other field); not part of toJSON. */
  readonly raw?: unknown;

  // Every string is masked here, once, whatever it came from: a server or proxy may echo the
  // credential into any field of its error body.
  constructor(fields: StripeErrorFields, defaultType = 'api_error') {
    super(maskSecrets(fields.message));
    this.name = new.target.name;
    this.type = maskOptional(fields.type) ?? defaultType;
    this.code = maskOptional(fields.code);
    this.decline_code = maskOptional(fields.decline_code);
    this.param = maskOptional(fields.param);
    this.doc_url = maskOptional(fields.doc_url);
    this.requestId = maskOptional(fields.requestId);
    this.statusCode = fields.statusCode;
    this.retryable = fields.retryable ?? false;
    this.charge = maskOptional(fields.charge);
    this.payment_intent = maskOptional(fields.payment_intent);
    if (fields.raw !== undefined) this.raw = maskDeep(fields.raw);
    if (this.stack) this.stack = maskSecrets(this.stack);
  }

  toJSON(): StripeErrorJSON {
    return dropUndefined({
      name: this.name,
      type: this.type,
      message: this.message,
      code: this.code,
      decline_code: this.decline_code,
      param: this.param,
      doc_url: this.doc_url,
      request_id: this.requestId,
      status: this.statusCode,
      retryable: this.retryable,
      charge: this.charge,
      payment_intent: this.payment_intent,
    });
  }
}

/** 401: the key is missing, wrong, expired or revoked. */
export class StripeAuthenticationError extends StripeError {}
/** 403: the (restricted) key may not do this. */
export class StripePermissionError extends StripeError {}
/** 402: the card was declined; `decline_code` says why. */
export class StripeCardError extends StripeError {}
/** 400/404: the request itself is wrong (a missing object, a bad parameter). */
export class StripeInvalidRequestError extends StripeError {}
/** 429: too many requests (or lock contention on one object). */
export class StripeRateLimitError extends StripeError {}
/** The idempotency key was reused with other parameters, or is in use by a concurrent request. */
export class StripeIdempotencyError extends StripeError {}
/** 5xx or an unreadable response: Stripe's side failed. */
export class StripeAPIError extends StripeError {}
/** No response: the network failed or the request timed out. */
export class StripeConnectionError extends StripeError {}

export interface FieldProblem {
  /** Dotted path of the offending input field (`metadata.plan`, `items.0.price`), or the connection field. */
  field: string;
  message: string;
  /** For a name that is not one of a known set (an action, a command, an option): the closest valid names. */
  did_you_mean?: string[];
  /** For a name that is not one of a short known set: all the valid names. */
  valid?: string[];
}

/** Bad input caught before any request is sent. */
export class StripeInputValidationError extends StripeError {
  /** What was being checked, e.g. `Invalid input for create_customer` (the message adds each field). */
  readonly context: string;
  readonly fields: FieldProblem[];

  constructor(context: string, fields: FieldProblem[]) {
    const detail = fields.map((f) => `${f.field}: ${f.message}`).join('; ');
    super(
      { message: `${context}: ${detail}`, param: fields[0]?.field, retryable: false },
      'input_validation_error',
    );
    this.context = maskSecrets(context);
    this.fields = maskDeep(fields);
  }

  override toJSON(): StripeErrorJSON {
    return { ...super.toJSON(), fields: this.fields };
  }
}

interface StripeErrorBody {
  type?: string;
  code?: string;
  decline_code?: string;
  param?: string;
  message?: string;
  doc_url?: string;
  charge?: string;
  payment_intent?: string | { id?: string };
}

/** Maps one Stripe error response to its class (by Stripe's `type` first, then by HTTP status). */
export function errorFromResponse(
  statusCode: number,
  body: unknown,
  requestId: string | undefined,
  retryable: boolean,
): StripeError {
  const raw: StripeErrorBody =
    body && typeof body === 'object' && 'error' in body && body.error && typeof body.error === 'object'
      ? (body.error as StripeErrorBody)
      : {};
  const fields: StripeErrorFields = {
    message: typeof raw.message === 'string' ? raw.message : `Stripe answered HTTP ${statusCode} without an error message`,
    type: raw.type,
    code: raw.code,
    decline_code: raw.decline_code,
    param: raw.param,
    doc_url: raw.doc_url,
    charge: raw.charge,
    payment_intent: typeof raw.payment_intent === 'string' ? raw.payment_intent : raw.payment_intent?.id,
    raw: body,
    requestId,
    statusCode,
    retryable,
  };
  if (raw.type === 'idempotency_error') return new StripeIdempotencyError(fields);
  if (statusCode === 401) return new StripeAuthenticationError(fields, 'authentication_error');
  if (statusCode === 403) return new StripePermissionError(fields, 'permission_error');
  if (statusCode === 429) return new StripeRateLimitError(fields, 'rate_limit_error');
  if (raw.type === 'card_error' || statusCode === 402) return new StripeCardError(fields, 'card_error');
  if (statusCode >= 500 || raw.type === 'api_error') return new StripeAPIError(fields);
  if (statusCode >= 400) return new StripeInvalidRequestError(fields, 'invalid_request_error');
  return new StripeAPIError({ ...fields, message: typeof raw.message === 'string' ? raw.message : `Unexpected HTTP ${statusCode} from Stripe` });
}

/** Non-strings (a server may send any JSON) are dropped rather than copied through unmasked. */
function maskOptional(value: unknown): string | undefined {
  return typeof value === 'string' ? maskSecrets(value) : undefined;
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
