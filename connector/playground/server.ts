/**
 * The playground's server (node:http): the built page from dist/playground and a JSON API under /api.
 * The secret key lives only in this process's memory; the page gets it back masked. Requests whose
 * Host or Origin is not the playground's own are refused, so a DNS-rebound page cannot use the key.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { StripeClient } from '../../client/client';
import { StripeError, StripeInputValidationError } from '../../client/errors';
import { closeTransport } from '../../client/transport';
import { getAction } from '../registry';
import { parseActionInput, runParsed } from '../runner';
import { loadManifest, type Manifest } from '../manifest';
import { standaloneSchema } from '../json-schema';
import { testConnection } from '../index';
import { ruleText } from '../../schemas/rules';

export interface PlaygroundOptions {
  port?: number;
  /** Default 127.0.0.1: the API acts with the key it holds, so it stays on loopback unless asked. */
  host?: string;
  /** The built page. Default dist/playground next to the compiled connector. */
  assetsDir?: string;
  /** Where Stripe is (the emulator's URL); default STRIPE_API_BASE or api.stripe.com. */
  apiBase?: string;
  /** Redis for the Triggers tab; without it the tab says so. */
  redisUrl?: string;
  redisPrefix?: string;
  /** A connection to start with (kept like one set from the page: in memory only). */
  secretKey?: string;
}

export interface Playground {
  url: string;
  server: Server;
  close(): Promise<void>;
}

interface Held {
  client: StripeClient;
  secretKey: string;
  account?: string;
}

/** `sk_test_...abcd`: the kind and mode, and the last four so a person can tell keys apart. */
export function maskKey(key: string): string {
  const prefix = /^[a-z]+_(test|live)_/.exec(key)?.[0] ?? '';
  return `${prefix}...${key.slice(-4)}`;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

// 'unsafe-eval': Ajv (rjsf's validator) compiles each schema into a function at run time. Only 'self'
// scripts load (no CDN, no inline script), so what is evaluated is Ajv's code from our own bundle.
const CSP = "default-src 'none'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly problems?: { field: string; message: string }[]) {
    super(message);
  }
}

function errorBody(error: unknown): { status: number; body: unknown } {
  if (error instanceof StripeInputValidationError) {
    return { status: 400, body: { error: { type: error.type, message: error.message, problems: error.fields } } };
  }
  if (error instanceof StripeError) {
    const fields = error.param ? [{ field: error.param, message: error.message }] : undefined;
    return { status: error.statusCode && error.statusCode >= 400 ? error.statusCode : 502, body: { error: { type: error.type, code: error.code, message: error.message, problems: fields } } };
  }
  if (error instanceof HttpError) return { status: error.status, body: { error: { message: error.message, problems: error.problems } } };
  return { status: 500, body: { error: { message: 'internal error' } } };
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 1_000_000) throw new HttpError(413, 'body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    const value = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value;
  } catch {
    // reported below
  }
  throw new HttpError(400, 'the body must be a JSON object');
}

/** Lazy: BullMQ and ioredis load with the first use of the Triggers tab. */
class TriggerHub {
  private started?: Promise<{ service: import('../../triggers/service').TriggerService; close: () => Promise<void> }>;
  readonly listeners = new Set<(event: unknown) => void>();
  readonly recent: unknown[] = [];

  constructor(private readonly options: PlaygroundOptions, private readonly key: () => string | undefined) {}

  get available(): boolean {
    return Boolean(this.options.redisUrl);
  }

  start() {
    if (!this.options.redisUrl) throw new HttpError(503, 'triggers need Redis: start the playground with REDIS_URL set (npm run playground starts one)');
    this.started ??= (async () => {
      // required here, not imported at the top: BullMQ and ioredis load only when the tab is used.
      const { createTriggerWorker } = require('../../triggers/worker') as typeof import('../../triggers/worker');
      const url = this.options.redisUrl!;
      const prefix = this.options.redisPrefix ?? `{stripe-connector-playground-${process.pid}}`;
      const worker = createTriggerWorker({
        connection: url,
        prefix,
        // Redis holds only the reference 'playground'; the key is looked up here, in memory, at each poll.
        resolveCredentials: () => {
          const secret_key = this.key();
          if (!secret_key) throw new Error('no connection set in the playground');
          return { secret_key };
        },
        clientOptions: { apiBase: this.options.apiBase },
        onEvent: (event: unknown) => {
          this.recent.push(event);
          if (this.recent.length > 200) this.recent.shift();
          for (const listener of this.listeners) listener(event);
        },
      });
      // The worker's own service: one Redis connection set, closed with the worker.
      return { service: worker.service, close: () => worker.close(5_000) };
    })();
    return this.started;
  }

  async close(): Promise<void> {
    if (this.started) await (await this.started).close();
  }
}

export async function startPlayground(options: PlaygroundOptions = {}): Promise<Playground> {
  const host = options.host ?? '127.0.0.1';
  const assetsDir = options.assetsDir ?? join(__dirname, '..', '..', 'playground');
  if (!existsSync(join(assetsDir, 'index.html'))) throw new Error(`the playground page is not built (${assetsDir}): run npm run build`);
  const manifest: Manifest = loadManifest();
  const defs = manifest.$defs;
  const lookupActions = new Set<string>();
  JSON.stringify(manifest.actions, (key, value) => {
    if (key === 'x-lookup' && value && typeof value.action === 'string') lookupActions.add(value.action);
    return value;
  });
  const connect = (body: Record<string, unknown>): Held => {
    const config = {
      secret_key: body.secret_key,
      ...(body.stripe_account ? { stripe_account: body.stripe_account } : {}),
      ...(body.api_version ? { api_version: body.api_version } : {}),
    };
    // The client checks the key and the account before anything is kept.
    const client = new StripeClient(config as never, { apiBase: options.apiBase });
    return { client, secretKey: config.secret_key as string, account: config.stripe_account as string | undefined };
  };
  let held: Held | undefined = options.secretKey ? connect({ secret_key: options.secretKey }) : undefined;
  const triggers = new TriggerHub(options, () => held?.secretKey);
  const streams = new Set<ServerResponse>();
  let allowedHosts = new Set<string>();

  const requireClient = (): StripeClient => {
    if (!held) throw new HttpError(409, 'set the connection first (Connection tab)');
    return held.client;
  };
  const connectionView = () => ({
    schema: manifest.connection.schema,
    ...(held
      ? { connected: true, masked_key: maskKey(held.secretKey), mode: held.client.mode, account: held.account ?? null, api_version: held.client.apiVersion }
      : { connected: false }),
  });

  const mcpTools = async (surface: string) => {
    // The MCP SDK costs ~180 ms to load: only with the Agent tab.
    const { listToolsAsAgent } = require('../mcp/listing') as typeof import('../mcp/listing');
    const tools = await listToolsAsAgent({ client: requireClient(), tools: surface === 'all' ? ['all'] : undefined });
    return tools.map((tool) => ({ name: tool.name, title: tool.title ?? tool.annotations?.title, description: tool.description, bytes: Buffer.byteLength(JSON.stringify(tool)), tool }));
  };

  async function api(req: IncomingMessage, path: string, query: URLSearchParams): Promise<unknown> {
    const route = `${req.method} ${path}`;
    if (route === 'GET /api/connection') return connectionView();
    if (route === 'PUT /api/connection') {
      held = connect(await readJson(req));
      return connectionView();
    }
    if (route === 'DELETE /api/connection') {
      held = undefined;
      return connectionView();
    }
    if (route === 'POST /api/connection/test') return { ...connectionView(), test: await testConnection(requireClient()) };
    if (route === 'GET /api/actions') {
      return manifest.actions.map(({ key, title, description, group, method, path, hints }) => ({ key, title, description, group, method, path, hints }));
    }
    const actionMatch = /^\/api\/actions\/([a-z0-9_]+)(\/run)?$/.exec(path);
    if (actionMatch) {
      const action = manifest.actions.find((a) => a.key === actionMatch[1]);
      if (!action) throw new HttpError(404, `no action ${actionMatch[1]}`);
      if (req.method === 'GET' && !actionMatch[2]) {
        return {
          ...action,
          input: standaloneSchema(action.input, defs, { mode: 'bundle' }),
          output: standaloneSchema(action.output, defs, { mode: 'bundle' }),
          rule_texts: (action.rules ?? []).map(ruleText),
        };
      }
      if (req.method === 'POST' && actionMatch[2]) {
        const body = await readJson(req);
        const definition = getAction(action.key);
        // Parsed before a client is needed: bad input is reported at its fields even with no connection.
        const parsed = parseActionInput(definition as never, body.input ?? {});
        return { result: await runParsed(definition as never, parsed, { client: requireClient() }) };
      }
    }
    if (route === 'GET /api/lookups') {
      const key = query.get('action') ?? '';
      // Only the list actions the manifest names as lookups: this endpoint is no general runner.
      if (!lookupActions.has(key)) throw new HttpError(400, `${key} is not a lookup`, [{ field: 'action', message: 'not a lookup action of the manifest' }]);
      const definition = getAction(key);
      const client = requireClient();
      // A page of 100 where the list takes a limit; a lookup whose list has other required inputs reports them.
      let parsed: unknown;
      try {
        parsed = parseActionInput(definition as never, { limit: 100 });
      } catch {
        parsed = parseActionInput(definition as never, {});
      }
      const result = (await runParsed(definition as never, parsed as never, { client })) as { data?: Record<string, unknown>[] };
      const valueKey = query.get('value') ?? 'id';
      const labelKey = query.get('label') ?? 'id';
      return (result.data ?? []).map((item) => ({ value: item[valueKey], label: item[labelKey] ? `${item[labelKey]} (${item[valueKey]})` : String(item[valueKey]) }));
    }
    if (route === 'GET /api/triggers') {
      const subscriptions = triggers.available ? await (await triggers.start()).service.list() : [];
      return {
        available: triggers.available,
        triggers: manifest.triggers.map((t) => ({ ...t, options: standaloneSchema(t.options, defs, { mode: 'bundle' }), output: undefined, sample: undefined })),
        subscriptions,
        recent: triggers.recent,
      };
    }
    if (route === 'POST /api/triggers/subscriptions') {
      requireClient();
      const body = await readJson(req);
      const { service } = await triggers.start();
      const trigger = String(body.trigger ?? '');
      const id = typeof body.id === 'string' && body.id ? body.id : `${trigger}-${Date.now().toString(36)}`;
      const record = await service.subscribe({ id, trigger, options: (body.options as Record<string, unknown>) ?? {}, connection_ref: 'playground' });
      return record;
    }
    const subscription = /^\/api\/triggers\/subscriptions\/([A-Za-z0-9_-]+)(\/poll)?$/.exec(path);
    if (subscription) {
      const { service } = await triggers.start();
      if (req.method === 'DELETE' && !subscription[2]) return { removed: await service.unsubscribe(subscription[1]!) };
      if (req.method === 'POST' && subscription[2]) {
        await service.requestPoll(subscription[1]!);
        return { requested: true };
      }
    }
    if (route === 'GET /api/mcp/tools') {
      const tools = await mcpTools(query.get('surface') ?? 'compact');
      return { tools, total_bytes: Buffer.byteLength(JSON.stringify(tools.map((t) => t.tool))) };
    }
    throw new HttpError(404, `no such endpoint: ${req.method} ${path}`);
  }

  function events(res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write(': connected\n\n');
    const listener = (event: unknown) => res.write(`event: trigger\ndata: ${JSON.stringify(event)}\n\n`);
    triggers.listeners.add(listener);
    streams.add(res);
    res.on('close', () => {
      triggers.listeners.delete(listener);
      streams.delete(res);
    });
  }

  function asset(path: string, res: ServerResponse): void {
    const relative = path === '/' ? 'index.html' : decodeURIComponent(path.slice(1));
    const file = normalize(join(assetsDir, relative));
    if (!file.startsWith(assetsDir + sep) || !existsSync(file)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': relative === 'index.html' ? 'no-store' : 'max-age=3600' });
    res.end(readFileSync(file));
  }

  const server = createServer((req, res) => {
    res.setHeader('content-security-policy', CSP);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('x-frame-options', 'DENY');
    const origin = req.headers.origin;
    if (!allowedHosts.has(req.headers.host ?? '') || (origin !== undefined && !allowedHosts.has(origin.replace(/^http:\/\//, '')))) {
      res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'this playground answers only to its own address' } }));
      return;
    }
    const url = new URL(req.url ?? '/', 'http://playground.invalid');
    if (url.pathname === '/api/events' && req.method === 'GET') return events(res);
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (!url.pathname.startsWith('/api/')) {
      if (req.method !== 'GET' && req.method !== 'HEAD') res.writeHead(405).end();
      else asset(url.pathname, res);
      return;
    }
    api(req, url.pathname, url.searchParams).then(
      (body) => res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body)),
      (error) => {
        const { status, body } = errorBody(error);
        res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4242, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const names = host === '127.0.0.1' || host === 'localhost' || host === '::1' ? ['127.0.0.1', 'localhost', '[::1]'] : [host];
  allowedHosts = new Set(names.map((name) => `${name}:${port}`));
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    server,
    close: async () => {
      for (const stream of streams) stream.end();
      await triggers.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closeTransport();
    },
  };
}
