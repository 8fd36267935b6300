import type { AxiosAdapter, AxiosInstance } from 'axios';
import type { Pool } from 'undici';

/**
 * The transport under the connector's one axios client: an axios adapter that sends through an undici
 * connection Pool per origin. Axios's default transport (node:http wrapped in follow-redirects) costs
 * about twice stripe-node's CPU per call (measured in ../shared/toolchain-facts.md, re-measured by
 * bench/transport). undici never follows redirects, so the key cannot be carried to another host by a
 * 3xx. axios and undici are loaded with the first request, not at import: a host that only reads the
 * manifest or validates input never pays for them.
 */

/**
 * Sockets kept per origin: no fixed cap (undici's default), so the connection count follows the
 * number of requests in flight, which the caller bounds (a worker's concurrency, a host's own calls);
 * a fixed cap made every request past it queue behind the others, whatever the worker's concurrency.
 */
const CONNECTIONS_PER_ORIGIN = null;
/** Idle keep-alive before a socket is closed; a server's shorter Keep-Alive hint wins. */
const KEEP_ALIVE_TIMEOUT_MS = 30_000;

const pools = new Map<string, Pool>();

function poolFor(origin: string): Pool {
  let pool = pools.get(origin);
  if (!pool) {
    const undici = require('undici') as typeof import('undici');
    pool = new undici.Pool(origin, {
      connections: CONNECTIONS_PER_ORIGIN,
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    });
    pools.set(origin, pool);
  }
  return pool;
}

/** Closes every pooled socket (graceful shutdown, test teardown). New requests open new pools. */
export async function closeTransport(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((pool) => pool.close()));
}

function buildHttp(): AxiosInstance {
  const axios = require('axios') as typeof import('axios');
  const { AxiosError, AxiosHeaders } = axios;

  const flattenHeaders = (headers: unknown): Record<string, string> => {
    const flat: Record<string, string> = {};
    for (const [name, value] of Object.entries(AxiosHeaders.from(headers as never).toJSON())) {
      if (value !== undefined && value !== null) flat[name] = String(value);
    }
    return flat;
  };

  const adapter: AxiosAdapter = async (config) => {
    const url = new URL(axios.getUri(config));
    // Like stripe-node's timeout, an idle limit: no headers, or no body bytes, for this long. undici's
    // own timers do it, so no per-request AbortSignal timer is created.
    const timeoutMs = config.timeout || null;
    const method = (config.method ?? 'get').toUpperCase() as 'GET' | 'POST' | 'DELETE';
    try {
      const response = await poolFor(url.origin).request({
        method,
        path: url.pathname + url.search,
        headers: flattenHeaders(config.headers),
        body: typeof config.data === 'string' ? config.data : undefined,
        signal: (config.signal as AbortSignal | undefined) ?? null,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const data = await response.body.text();
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(response.headers)) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      const result = { data, status: response.statusCode, statusText: '', headers, config, request: null };
      const accept = config.validateStatus;
      if (!accept || accept(response.statusCode)) return result;
      throw new AxiosError(`Request failed with status code ${response.statusCode}`, AxiosError.ERR_BAD_RESPONSE, config, null, result);
    } catch (error) {
      if (error instanceof AxiosError) throw error;
      const timedOut = /TIMEOUT/i.test((error as { code?: string }).code ?? '');
      const code = timedOut ? AxiosError.ETIMEDOUT : ((error as { code?: string }).code ?? AxiosError.ERR_NETWORK);
      const wrapped = new AxiosError(timedOut ? `timeout of ${timeoutMs}ms exceeded` : (error as Error).message, code, config);
      wrapped.cause = error as Error;
      throw wrapped;
    }
  };

  /**
   * The one axios client. Responses come back as text with any status; the StripeClient decides what
   * a status means, parses JSON itself and never lets an AxiosError (whose config holds the
   * Authorization header) escape.
   */
  return axios.create({
    adapter,
    maxRedirects: 0,
    responseType: 'text',
    transformRequest: [(data: unknown) => data],
    transformResponse: [(data: unknown) => data],
    validateStatus: () => true,
  });
}

let instance: AxiosInstance | undefined;

/** The connector's one axios instance (built on first use). */
export function http(): AxiosInstance {
  instance ??= buildHttp();
  return instance;
}
