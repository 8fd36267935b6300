import { isAscii } from 'node:buffer';
import type { AxiosAdapter, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import type { Dispatcher, Pool } from 'undici';

type Axios = InstanceType<typeof import('axios').Axios>;

/**
 * The transport under the connector's one axios client: an axios instance prepared once, whose adapter
 * sends through an undici connection Pool per origin. axios and undici are loaded with the first
 * request, not at import: a host that only reads the manifest or validates input never pays for them.
 *
 * Why it is built this way (bench/client.ts measures it against stripe-node; BENCHMARKS.md has the
 * figures and the profiles):
 * - `new Axios(config)` with only the keys the connector uses, instead of `axios.create()`, which
 *   carries all of axios's defaults (header buckets per method, transitional flags, transforms) into
 *   the config merge of every request. No request or response transforms: the client encodes bodies
 *   and parses JSON itself.
 * - The adapter dispatches with an undici handler of its own instead of `pool.request()`, which wraps
 *   every response in a Readable stream and an AsyncResource; the body is collected as buffers and
 *   decoded once (see decodeBody).
 * - Only the response headers the client reads (RESPONSE_HEADERS) are handed back through axios,
 *   which re-normalises every header it is given on every call.
 * - undici never follows redirects, so the key cannot be carried to another host by a 3xx, and the
 *   adapter sends only a path under `baseURL` (the client's checked base URL), never an absolute URL.
 */

/** The response headers the client acts on; no others are passed back through axios. */
export const RESPONSE_HEADERS = ['request-id', 'idempotent-replayed', 'retry-after', 'stripe-should-retry'] as const;
export type ResponseHeaders = Partial<Record<(typeof RESPONSE_HEADERS)[number], string>>;

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
    pool = new undici.Pool(origin, { connections: CONNECTIONS_PER_ORIGIN, keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS });
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

/** Bodies up to this size are joined in one buffer kept for the process (see decodeBody). */
const SCRATCH_MAX_BYTES = 1 << 20;
let scratch = Buffer.allocUnsafe(0);

/**
 * The body as text: one string, decoded as Latin-1 when the bytes are ASCII (most Stripe bodies;
 * the same characters, without UTF-8's checks) and as UTF-8 otherwise, after the chunks are joined
 * so that a character split across chunks decodes whole. The chunks are joined into one buffer kept
 * for the process, not a new one per response: measured side by side (bench/client.ts, list of 100),
 * a new joined buffer per response cost about 0.4 ms more CPU per call at concurrency 1, and decoding
 * chunk by chunk into a rope cost about 0.15 ms more at 64. Safe to share: nothing awaits between
 * the copy and the decode.
 */
function decodeBody(chunks: Buffer[], length: number): string {
  let body: Buffer;
  if (chunks.length === 1) body = chunks[0]!;
  else if (length > SCRATCH_MAX_BYTES) body = Buffer.concat(chunks, length);
  else {
    if (scratch.length < length) scratch = Buffer.allocUnsafe(Math.min(SCRATCH_MAX_BYTES, Math.max(length, 2 * scratch.length)));
    let offset = 0;
    for (const chunk of chunks) offset += chunk.copy(scratch, offset);
    body = scratch.subarray(0, length);
  }
  return body.toString(isAscii(body) ? 'latin1' : 'utf8');
}

function buildHttp(): Axios {
  const axios = require('axios') as typeof import('axios');
  const { AxiosError, AxiosHeaders } = axios;

  const adapter: AxiosAdapter = (config) =>
    new Promise<AxiosResponse<string>>((resolve, reject) => {
      const origin = config.baseURL;
      const path = config.url;
      if (!origin || !path?.startsWith('/')) {
        reject(new AxiosError('the connector sends only a path under its configured base URL', AxiosError.ERR_BAD_OPTION, config));
        return;
      }
      // Like stripe-node's timeout, an idle limit: no headers, or no body bytes, for this long. undici's
      // own timers do it, so no per-request timer is created.
      const timeoutMs = config.timeout || null;
      const options: Dispatcher.DispatchOptions = {
        method: (config.method ?? 'get').toUpperCase() as Dispatcher.HttpMethod,
        path,
        headers: config.headers.toJSON(true) as Record<string, string>,
        body: typeof config.data === 'string' ? config.data : null,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      };
      poolFor(origin).dispatch(options, new ResponseCollector(config, resolve, (error) => reject(wrapNetworkError(error, config, timeoutMs))));
    });

  class ResponseCollector implements Dispatcher.DispatchHandler {
    private status = 0;
    private headers: ResponseHeaders = {};
    private readonly chunks: Buffer[] = [];
    private length = 0;

    constructor(
      private readonly config: InternalAxiosRequestConfig,
      private readonly resolve: (response: AxiosResponse<string>) => void,
      private readonly reject: (error: Error) => void,
    ) {}

    onRequestStart(): void {}

    onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
      this.status = statusCode;
      for (const name of RESPONSE_HEADERS) {
        const value = headers[name];
        if (value !== undefined) this.headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
    }

    onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
      this.chunks.push(chunk);
      this.length += chunk.length;
    }

    onResponseEnd(): void {
      const { chunks, config, status } = this;
      const data = decodeBody(chunks, this.length);
      const response: AxiosResponse<string> = { data, status, statusText: '', headers: new AxiosHeaders(this.headers), config, request: null };
      // The client passes no validateStatus: every status comes back as a response.
      const accept = config.validateStatus;
      if (!accept || accept(status)) this.resolve(response);
      else this.reject(new AxiosError(`Request failed with status code ${status}`, AxiosError.ERR_BAD_RESPONSE, config, null, response));
    }

    onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
      this.reject(error);
    }
  }

  const wrapNetworkError = (error: Error, config: InternalAxiosRequestConfig, timeoutMs: number | null): Error => {
    if (error instanceof AxiosError) return error;
    const cause = error as Error & { code?: string };
    const timedOut = /TIMEOUT/i.test(cause.code ?? '');
    const code = timedOut ? AxiosError.ETIMEDOUT : (cause.code ?? AxiosError.ERR_NETWORK);
    const wrapped = new AxiosError(timedOut ? `timeout of ${timeoutMs}ms exceeded` : cause.message, code, config);
    wrapped.cause = cause;
    return wrapped;
  };

  /**
   * The one axios client. Responses come back as text with any status; the StripeClient decides what
   * a status means, parses JSON itself and never lets an AxiosError (whose config holds the
   * Authorization header) escape. Its defaults hold the adapter alone: any other key would be merged
   * into every request's config again, and with no transforms axios passes bodies through as they are.
   */
  return new axios.Axios({ adapter });
}

let instance: Axios | undefined;

/** The connector's one axios instance (built on first use). */
export function http(): Axios {
  instance ??= buildHttp();
  return instance;
}
