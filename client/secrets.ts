/**
 * The one place credentials are masked. Every string that leaves an error, a log line or a stored
 * failure goes through `maskSecrets`: a proxy or a server that echoes the request's Authorization
 * header must not be able to put the key into CLI output, MCP results, Redis or BullMQ.
 *
 * It needs no list of known keys: every key the connector accepts starts with `sk_`/`rk_` (and
 * Stripe's messages may name a `pk_`) followed by `test_`/`live_`, so each form is recognisable:
 * - the key itself, also with `_` percent-encoded (`sk%5Ftest%5F...`);
 * - its base64, with or without the `:` Basic auth appends, standard or URL-safe, with `+ / =`
 *   percent-encoded or not (a key's first 8 bytes fix the first 10 base64 characters);
 * - any `Basic <credentials>` value (the Authorization header, whatever the key).
 * Every pattern is a single pass without nested quantifiers, so masking stays linear in the input.
 */

const KINDS = ['sk', 'rk', 'pk'] as const;
const MODES = ['test', 'live'] as const;

// Not after a letter or digit ("network_test_1" is no key), but after `_` ("ch_sk_test_..." is an echo).
const RAW_KEY = /(?<![A-Za-z0-9])(sk|rk|pk)(?:_|%5F)(test|live)(?:_|%5F)[A-Za-z0-9*]+/gi;

/** The base64 characters fully decided by a key's `<kind>_<mode>_` prefix. */
function base64Prefixes(): string[] {
  const prefixes: string[] = [];
  for (const kind of KINDS) {
    for (const mode of MODES) {
      const prefix = `${kind}_${mode}_`;
      const encoded = Buffer.from(prefix).toString('base64');
      // n bytes fix floor(8n / 6) base64 characters; the next one depends on the key's own characters.
      const fixed = encoded.slice(0, Math.floor((prefix.length * 8) / 6));
      prefixes.push(fixed, fixed.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  return [...new Set(prefixes)];
}

const BASE64_TAIL = '(?:[A-Za-z0-9+/_-]|%2B|%2F|%3D|=)*';
const BASE64_KEY = new RegExp(`(?:${base64Prefixes().join('|')})${BASE64_TAIL}`, 'gi');

/** `Basic` then its credentials: a space, `%20` or `+` (form encoding), then base64. */
const BASIC_CREDENTIALS = new RegExp(`\\bBasic(?:\\s+|%20|\\+)((?:[A-Za-z0-9+/_-]|%2B|%2F|%3D|=)+)`, 'gi');

/** Whether a `Basic` token is a credential (base64 of `user:password`) rather than an English word. */
function isBasicCredential(token: string): boolean {
  let text: string;
  try {
    text = Buffer.from(decodeURIComponent(token), 'base64').toString('latin1');
  } catch {
    return false;
  }
  return text.includes(':') || /^(sk|rk|pk)_(test|live)_/.test(text);
}

export const REDACTED = '[redacted]';

/** The text with every form of a key and every Basic credential masked. */
export function maskSecrets(text: string): string {
  if (typeof text !== 'string' || text.length === 0) return text;
  return text
    .replace(BASIC_CREDENTIALS, (match: string, token: string) => (isBasicCredential(token) ? `Basic ${REDACTED}` : match))
    .replace(BASE64_KEY, REDACTED)
    .replace(RAW_KEY, (_match, kind: string, mode: string) => `${kind.toLowerCase()}_${mode.toLowerCase()}_${REDACTED}`);
}

/** A copy of any JSON-like value with every string (keys included) masked. Cycles become "[cycle]". */
export function maskDeep<T>(value: T, seen: Set<object> = new Set()): T {
  if (typeof value === 'string') return maskSecrets(value) as T;
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[cycle]' as T;
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => maskDeep(item, seen)) as T;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[maskSecrets(key)] = maskDeep(item, seen);
    return out as T;
  } finally {
    seen.delete(value);
  }
}
