/**
 * The contenders and the server of the client benchmarks (bench/client.ts, timed slices;
 * bench/client-instructions.ts, instruction counts): the same calls, set up once here so the two
 * measure the same thing.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Pool } from 'undici';
import Stripe from 'stripe';
import { StripeClient } from '../client/client';
import { STRIPE_API_VERSION, USER_AGENT } from '../client/version';
import { BENCH_AUTHORIZATION, BENCH_KEY } from './stripe-shaped-server';

export type CaseName = 'retrieve' | 'create' | 'list';
export const CASES: Array<{ name: CaseName; title: string }> = [
  { name: 'retrieve', title: 'GET retrieve (customer)' },
  { name: 'create', title: 'POST create with metadata (customer)' },
  { name: 'list', title: 'GET list of 100 (customers)' },
];
const CREATE_PARAMS = { email: 'bench@example.com', name: 'Bench Customer', metadata: { plan: 'pro', order_id: '6735' } };

export type Call = () => Promise<unknown>;
export interface Contender {
  name: 'floor' | 'stripe-node' | 'connector' | 'baseline';
  title: string;
  calls: Record<CaseName, Call>;
}

export function contenders(origin: string, customerId: string): { all: Contender[]; close: () => Promise<void> } {
  // The floor: what any client must do at least. Same headers as the connector, built once.
  const pool = new Pool(origin, { connections: 64, keepAliveTimeout: 30_000 });
  const getHeaders = { authorization: BENCH_AUTHORIZATION, accept: 'application/json', 'user-agent': USER_AGENT, 'stripe-version': STRIPE_API_VERSION };
  const postHeaders = { ...getHeaders, 'content-type': 'application/x-www-form-urlencoded' };
  const form = 'email=bench%40example.com&name=Bench%20Customer&metadata[plan]=pro&metadata[order_id]=6735';
  const undiciCall = async (method: 'GET' | 'POST', path: string, body?: string): Promise<unknown> => {
    const headers = body === undefined ? getHeaders : { ...postHeaders, 'idempotency-key': randomUUID() };
    const response = await pool.request({ method, path, headers, body });
    const parsed = await response.body.json();
    if (response.statusCode !== 200) throw new Error(`floor: HTTP ${response.statusCode}: ${JSON.stringify(parsed)}`);
    return parsed;
  };

  // stripe-node as its README sets it up (its defaults: 2 network retries, keep-alive agent,
  // Idempotency-Key on POST, telemetry on), pointed at the bench server and at the connector's pinned version.
  const { port } = new URL(origin);
  const stripe = new Stripe(BENCH_KEY, { host: '127.0.0.1', port: Number(port), protocol: 'http', apiVersion: STRIPE_API_VERSION as Stripe.LatestApiVersion });

  const connector = new StripeClient({ secret_key: BENCH_KEY }, { apiBase: origin });
  const connectorCalls = (client: StripeClient): Record<CaseName, Call> => ({
    retrieve: () => client.request({ method: 'GET', path: `/v1/customers/${customerId}` }),
    create: () => client.request({ method: 'POST', path: '/v1/customers', params: CREATE_PARAMS }),
    list: () => client.list('/v1/customers', { limit: 100 }),
  });
  // Before and after side by side: BENCH_BASELINE names another build's dist/ (e.g. a copy of main's),
  // whose client joins as a fourth contender with its own transport and pools.
  const baselineDir = process.env.BENCH_BASELINE;
  const baseline = baselineDir
    ? {
        client: require(join(baselineDir, 'client', 'client.js')) as typeof import('../client/client'),
        transport: require(join(baselineDir, 'client', 'transport.js')) as typeof import('../client/transport'),
      }
    : undefined;

  const all: Contender[] = [
    {
      name: 'floor',
      title: 'bare undici Pool request (floor)',
      calls: {
        retrieve: () => undiciCall('GET', `/v1/customers/${customerId}`),
        create: () => undiciCall('POST', '/v1/customers', form),
        list: () => undiciCall('GET', '/v1/customers?limit=100'),
      },
    },
    {
      name: 'stripe-node',
      title: `stripe-node ${Stripe.PACKAGE_VERSION} (anchor)`,
      calls: {
        retrieve: () => stripe.customers.retrieve(customerId),
        create: () => stripe.customers.create(CREATE_PARAMS),
        list: () => stripe.customers.list({ limit: 100 }),
      },
    },
    {
      name: 'connector',
      title: 'connector StripeClient',
      calls: connectorCalls(connector),
    },
  ];
  if (baseline) {
    const client = new baseline.client.StripeClient({ secret_key: BENCH_KEY }, { apiBase: origin }) as unknown as StripeClient;
    all.push({ name: 'baseline', title: `connector StripeClient from ${baselineDir}`, calls: connectorCalls(client) });
  }
  return { all, close: async () => void (await Promise.all([pool.close(), baseline?.transport.closeTransport()])) };
}


export async function startServer(): Promise<{ origin: string; customerId: string; stop: () => void }> {
  const server = spawn(process.execPath, [join(__dirname, 'stripe-shaped-server.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    server.stdout.once('data', (data: Buffer) => resolve(data.toString()));
    server.once('exit', (code) => reject(new Error(`bench server exited (${code})`)));
  });
  const { port, customerId } = JSON.parse(line) as { port: number; customerId: string };
  return { origin: `http://127.0.0.1:${port}`, customerId, stop: () => server.kill('SIGTERM') };
}

