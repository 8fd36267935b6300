import { spawn } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import { Agent } from 'node:http';
import { cpus } from 'node:os';
import { join } from 'node:path';
import axios from 'axios';
import { StripeClient } from '../client/client';
import { closeTransport, http as connectorHttp } from '../client/transport';

/**
 * Which transport the connector's axios client should use, measured side by side in one run:
 * the same list GET against a small local server (in its own process, so this process's CPU is the
 * client's), at fixed concurrency, rounds interleaved so machine noise hits every contender alike.
 * Reported: calls per second and client CPU per call, and ratios to axios's default.
 */

const CALLS = Number(process.env.BENCH_CALLS ?? 4000);
const CONCURRENCY = 32;
const ROUNDS = 3;

const SERVER = `
const http = require('node:http');
const body = JSON.stringify({ object: 'list', url: '/v1/customers', has_more: true,
  data: Array.from({ length: 10 }, (_, i) => ({ id: 'cus_' + i.toString().padStart(14, '0'), object: 'customer', created: 1800000000 + i,
    email: 'user' + i + '@example.com', metadata: { plan: 'pro' }, livemode: false })) });
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/json', 'request-id': 'req_bench', 'content-length': Buffer.byteLength(body) }).end(body));
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

type Call = () => Promise<unknown>;

async function measure(call: Call): Promise<{ perSecond: number; cpuMicros: number }> {
  let next = 0;
  const worker = async () => {
    while (next++ < CALLS) await call();
  };
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  return { perSecond: CALLS / seconds, cpuMicros: (cpu.user + cpu.system) / CALLS };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  const server = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) => server.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())));
  const origin = `http://127.0.0.1:${port}`;
  const url = `${origin}/v1/customers?limit=10`;
  const headers = { Authorization: 'Basic c2tfdGVzdF9iZW5jaDo=', 'Stripe-Version': '2026-08-26.dahlia' };

  const axiosDefault = axios.create();
  const axiosNoRedirects = axios.create({ maxRedirects: 0, httpAgent: new Agent({ keepAlive: true, maxSockets: 64 }) });
  const client = new StripeClient({ secret_key: 'sk_test_benchmarkKey000000' }, { apiBase: origin });

  const contenders: Array<[string, Call]> = [
    ['axios default transport (follow-redirects over node:http)', () => axiosDefault.get(url, { headers })],
    ['axios, maxRedirects 0, own keep-alive agent', () => axiosNoRedirects.get(url, { headers })],
    ['axios + the connector\'s undici adapter (its transport)', () => connectorHttp().get(url, { headers })],
    ['StripeClient.request (whole connector path: encode, headers, retry loop, log, JSON)', () => client.request({ method: 'GET', path: '/v1/customers', params: { limit: 10 } })],
  ];

  for (const [, call] of contenders) for (let i = 0; i < 300; i++) await call(); // warm-up: sockets, JIT

  const results = new Map<string, { perSecond: number[]; cpuMicros: number[] }>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, call] of contenders) {
      const { perSecond, cpuMicros } = await measure(call);
      const entry = results.get(name) ?? { perSecond: [], cpuMicros: [] };
      entry.perSecond.push(perSecond);
      entry.cpuMicros.push(cpuMicros);
      results.set(name, entry);
    }
  }
  server.kill();
  await closeTransport();

  const baseline = results.get(contenders[0]![0])!;
  const rows = contenders.map(([name]) => {
    const r = results.get(name)!;
    const rate = median(r.perSecond);
    const cpu = median(r.cpuMicros);
    return `| ${name} | ${Math.round(rate)} | ${cpu.toFixed(0)} | ${(rate / median(baseline.perSecond)).toFixed(2)}x | ${(median(baseline.cpuMicros) / cpu).toFixed(2)}x |`;
  });
  const report = [
    '# Transport benchmark',
    '',
    `Run ${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${cpus().length} cores; ${CALLS} list GETs per contender per round,`,
    `concurrency ${CONCURRENCY}, ${ROUNDS} interleaved rounds (medians shown), server in its own process on loopback.`,
    'Absolute numbers depend on the machine; the ratios, measured side by side in this one run, are the result.',
    '',
    '| client | calls/s | client CPU µs/call | throughput vs axios default | CPU efficiency vs axios default |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
  ].join('\n');
  mkdirSync(join(__dirname, '..', '..', 'bench', 'results'), { recursive: true });
  writeFileSync(join(__dirname, '..', '..', 'bench', 'results', 'transport.md'), report);
  process.stdout.write(report);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
