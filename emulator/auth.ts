/**
 * API key checks as Stripe does them: Basic (key as username, empty password) or Bearer; 401
 * for a missing, unknown or revoked key (the message masks the key); live keys only when listed.
 */
import { invalidRequest, maskKey, StripeError } from './errors';

const DEFAULT_KEY = /^(sk|rk)_test_[A-Za-z0-9]+$/;

export interface Caller {
  key: string;
  livemode: boolean;
  readOnly: boolean;
}

export class KeyRing {
  private readonly revoked = new Set<string>();
  private readonly explicit: Set<string> | undefined;
  private readonly readOnly: Set<string>;

  constructor(apiKeys: string[] | undefined, readOnlyKeys: string[] | undefined) {
    this.readOnly = new Set(readOnlyKeys ?? []);
    // Read-only keys are accepted keys too: they only lose write access.
    this.explicit = apiKeys ? new Set([...apiKeys, ...this.readOnly]) : undefined;
  }

  revoke(key: string): void {
    this.revoked.add(key);
  }

  restore(key: string): void {
    this.revoked.delete(key);
  }

  clearRevoked(): void {
    this.revoked.clear();
  }

  /** The caller behind an Authorization header, or the 401 Stripe would answer. */
  authenticate(authorization: string | undefined): Caller {
    const key = parseAuthorization(authorization);
    if (!key) {
      throw authError(
        "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). " +
          'See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.',
      );
    }
    const known = this.explicit ? this.explicit.has(key) : DEFAULT_KEY.test(key) || this.readOnly.has(key);
    if (!known || this.revoked.has(key)) throw authError(`Invalid API Key provided: ${maskKey(key)}`);
    return { key, livemode: /^(sk|rk)_live_/.test(key), readOnly: this.readOnly.has(key) };
  }
}

function authError(message: string): StripeError {
  return invalidRequest(message, { status: 401, stage: 'validation' });
}

function parseAuthorization(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const [scheme, credentials] = header.trim().split(/\s+/, 2);
  if (!credentials) return undefined;
  if (/^bearer$/i.test(scheme!)) return credentials;
  if (/^basic$/i.test(scheme!)) {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = colon >= 0 ? decoded.slice(0, colon) : decoded;
    return user || undefined;
  }
  return undefined;
}

/** Stripe's wording for a restricted key without the permission an endpoint needs. */
export function permissionError(key: string, account: string, permission: string): StripeError {
  return invalidRequest(
    `The provided key '${maskKey(key)}' does not have the required permissions for this endpoint on account '${account}'. ` +
      `Having the '${permission}' permission would allow this request to continue.`,
    { status: 403, stage: 'validation' },
  );
}
