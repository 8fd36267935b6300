/**
 * The server every client in bench/client.ts talks to: fixed answers, Stripe-shaped, in a process of
 * its own so its CPU is not counted as the client's.
 *
 * Why not the emulator itself: it parses every request, keeps a record of each one and runs the
 * resource logic, so at 64 concurrent calls it would be the bottleneck and every client would measure
 * the emulator. Instead the emulator is asked once, at start-up, for a real retrieve, create and list
 * of 100 (its bodies and headers, byte for byte), and those are replayed. Requests are still checked,
 * cheaply, so no contender can win by sending less: the key (Basic or Bearer), Stripe-Version, and on a POST a form
 * body and an Idempotency-Key; anything else gets a 400.
 *
 * Prints its port on stdout when listening.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export const BENCH_KEY = 'sk_test_benchClientPerCall0000';
export const BENCH_AUTHORIZATION = `Basic ${Buffer.from(`${BENCH_KEY}:`).toString('base64')}`;

interface Recorded {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Stripe's own header set on an API response (the emulator does not send all of them). */
const STRIPE_RESPONSE_HEADERS: Record<string, string> = {
  server: 'nginx',
  'access-control-allow-credentials': 'true',
  'access-control-allow-methods': 'GET, HEAD, PUT, PATCH, POST, DELETE',
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'Request-Id, Stripe-Manage-Version, Stripe-Should-Retry, X-Stripe-External-Auth-Required, X-Stripe-Privileged-Session-Required',
  'access-control-max-age': '300',
  'strict-transport-security': 'max-age=63072000; includeSubDomains; preload',
  'x-stripe-routing-context-priority-tier': 'api-testmode',
};

async function record(emulatorUrl: string, method: 'GET' | 'POST', path: string, body?: string): Promise<Recorded> {
  const response = await fetch(emulatorUrl + path, {
    method,
    headers: {
      Authorization: BENCH_AUTHORIZATION,
      ...(body === undefined ? {} : { 'Content-Type': 'application/x-www-form-urlencoded', 'Idempotency-Key': `bench-${Math.random()}` }),
    },
    body,
  });
  const headers: Record<string, string> = { ...STRIPE_RESPONSE_HEADERS };
  for (const [name, value] of response.headers) {
    if (name !== 'date' && name !== 'connection' && name !== 'keep-alive' && name !== 'transfer-encoding') headers[name] = value;
  }
  const text = await response.text();
  headers['content-length'] = String(Buffer.byteLength(text));
  if (response.status !== 200) throw new Error(`emulator answered ${response.status} to ${method} ${path}: ${text}`);
  return { status: response.status, headers, body: text };
}

async function recordAnswers(): Promise<{ retrieve: Recorded; create: Recorded; list: Recorded; customerId: string }> {
  // Loaded here, not at import: the benchmark imports this file for the key and must not load the emulator.
  const { startEmulator } = require('../emulator') as typeof import('../emulator');
  const emulator = await startEmulator();
  try {
    const form = 'email=bench%40example.com&name=Bench%20Customer&metadata[plan]=pro&metadata[order_id]=6735';
    const create = await record(emulator.url, 'POST', '/v1/customers', form);
    for (let i = 1; i < 100; i++) await record(emulator.url, 'POST', '/v1/customers', form.replace('6735', String(6735 + i)));
    const customerId = (JSON.parse(create.body) as { id: string }).id;
    const retrieve = await record(emulator.url, 'GET', `/v1/customers/${customerId}`);
    const list = await record(emulator.url, 'GET', '/v1/customers?limit=100');
    return { retrieve, create, list, customerId };
  } finally {
    await emulator.close();
  }
}

function reject(res: ServerResponse, why: string): void {
  const body = JSON.stringify({ error: { type: 'invalid_request_error', message: `bench server: ${why}` } });
  res.writeHead(400, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
}

function serve(answers: Awaited<ReturnType<typeof recordAnswers>>): void {
  // stripe-node authenticates with Bearer, the connector with Basic; Stripe takes either.
  const BEARER = `Bearer ${BENCH_KEY}`;
  const retrievePath = `/v1/customers/${answers.customerId}`;
  const answer = (req: IncomingMessage, res: ServerResponse, bodyLength: number): void => {
    const headers = req.headers;
    if (headers.authorization !== BENCH_AUTHORIZATION && headers.authorization !== BEARER) return reject(res, 'wrong or missing Authorization');
    if (!headers['stripe-version']) return reject(res, 'no Stripe-Version');
    let chosen: Recorded | undefined;
    if (req.method === 'GET' && req.url === retrievePath) chosen = answers.retrieve;
    else if (req.method === 'GET' && req.url === '/v1/customers?limit=100') chosen = answers.list;
    else if (req.method === 'POST' && req.url === '/v1/customers') {
      if (!headers['idempotency-key']) return reject(res, 'POST without Idempotency-Key');
      if (!headers['content-type']?.startsWith('application/x-www-form-urlencoded') || bodyLength === 0) return reject(res, 'POST without a form body');
      chosen = answers.create;
    }
    if (!chosen) return reject(res, `no fixed answer for ${req.method} ${req.url}`);
    res.writeHead(chosen.status, chosen.headers).end(chosen.body);
  };
  const server = createServer((req, res) => {
    let length = 0;
    req.on('data', (chunk: Buffer) => (length += chunk.length));
    req.on('end', () => answer(req, res, length));
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0, customerId: answers.customerId })}\n`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

if (require.main === module) {
  recordAnswers().then(serve, (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  });
}
