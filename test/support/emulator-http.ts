/**
 * A bare HTTP helper for talking to the emulator in tests the way any Stripe client does
 * (form-encoded bodies, Basic auth), with none of the connector's own logic in between.
 */
import qs from 'qs';

export const TEST_KEY = 'sk_test_emulatorKey4242';

export interface CallOptions {
  key?: string | null;
  params?: Record<string, unknown>;
  headers?: Record<string, string>;
  /** Raw body instead of form-encoding `params`. */
  rawBody?: string;
  bearer?: boolean;
}

export interface CallResult {
  status: number;
  headers: Headers;
  body: any;
}

export async function call(baseUrl: string, method: string, path: string, opts: CallOptions = {}): Promise<CallResult> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  const key = opts.key === undefined ? TEST_KEY : opts.key;
  if (key !== null) {
    headers.authorization = opts.bearer ? `Bearer ${key}` : `Basic ${Buffer.from(key + ':').toString('base64')}`;
  }
  const encoded = opts.params ? qs.stringify(opts.params, { arrayFormat: 'indices' }) : '';
  let url = baseUrl + path;
  let body: string | undefined;
  if (method === 'POST') {
    body = opts.rawBody ?? encoded;
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
  } else if (encoded) {
    url += (path.includes('?') ? '&' : '?') + encoded;
  }
  const res = await fetch(url, { method, headers, body });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: res.status, headers: res.headers, body: parsed };
}
