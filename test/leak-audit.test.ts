/**
 * Issue 14, Build 4: the leak audit. Every action and every trigger runs with one recognisable key,
 * on the emulator (success paths), on invalid input (validation paths) and against a server that
 * echoes the credential into its headers and into every field of its error bodies. Then everything
 * the connector produced is searched for the key in all its forms (raw, base64 of `key` and `key:`,
 * `Basic ...`, URL-encoded, URL-safe): CLI stdout and stderr, MCP results (in-process and over stdio),
 * pino lines (to a stream), every error's fields, JSON and stack, every Redis key and value of a
 * private Redis (subscriptions, cursors, last_error, BullMQ jobs with their data, failedReason and
 * stacktrace), and the manifest. The audit must find 0 hits; a self-check first proves that the
 * search finds a hit planted in each kind of place.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StripeClient } from '../client/client';
import { StripeError } from '../client/errors';
import { errorBody, readableError } from '../connector/cli/terminal';
import { renderManifest } from '../connector/manifest';
import { toolErrorResult } from '../connector/mcp/errors';
import { listActions, runAction } from '../connector/registry';
import { listTriggers } from '../triggers/catalogue';
import { TriggerService } from '../triggers/service';
import { createTriggerWorker, type TriggerWorker } from '../triggers/worker';
import { allCases } from './cases';
import { CLI, piped } from './support/cli';
import { TEST_KEY, captureLogs, useEmulator } from './support/harness';
import { findLeaks, keyForms, type Hit } from './support/leaks';
import { dumpPrefix, startTestRedis, type TestRedis } from './support/redis';
import { waitFor } from './support/triggers';

jest.setTimeout(240_000);

/** The audited key: every call below authenticates with it. */
const AUDIT_KEY = 'sk_test_51LeakAuditKeyQ7w3R9t5Y1u8I2o4P6a0SdFgHjK';
const FORMS = [...keyForms(AUDIT_KEY), ...keyForms(TEST_KEY)];
const ENCRYPTION_KEY = 'ab'.repeat(32);

const env = useEmulator();
let redisServer: TestRedis;
let redis: Redis;

/** Everything produced, by where it came from. */
const places: Array<[string, string]> = [];
const record = (where: string, text: unknown) => places.push([where, typeof text === 'string' ? text : String(JSON.stringify(text))]);
const { logger, lines } = captureLogs('debug');

// The echo server: errors whose every field carries the credential, and 200s with it in headers.
let echo: Server;
let echoBase = '';
let echoed = 0;
let echoStatuses = [400, 401, 402, 403, 404, 409, 429, 500, 502];

function echoErrorBody(auth: string, key: string): Record<string, unknown> {
  const all = `${auth} | ${key} | ${encodeURIComponent(auth)} | ${Buffer.from(`${key}:`).toString('base64url')}`;
  return {
    error: {
      type: 'invalid_request_error',
      code: auth,
      decline_code: key,
      advice_code: encodeURIComponent(auth),
      message: `No such customer: '${key}' (${all})`,
      param: Buffer.from(`${key}:`).toString('base64'),
      doc_url: `https://stripe.com/docs/error-codes/${encodeURIComponent(key)}`,
      request_log_url: `https://dashboard.stripe.com/logs/req?auth=${encodeURIComponent(auth)}`,
      charge: `ch_${key}`,
      payment_intent: { id: `pi_${key}`, last_payment_error: { message: all } },
      payment_method: { id: `pm_${key}`, billing_details: { name: auth } },
      [key]: auth,
    },
  };
}

beforeAll(async () => {
  redisServer = await startTestRedis();
  redis = redisServer.client();
  let n = 0;
  echo = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      echoed++;
      const auth = String(req.headers.authorization ?? '');
      const key = Buffer.from(auth.replace(/^Basic /, ''), 'base64').toString().replace(/:$/, '');
      const headers = { 'Content-Type': 'application/json', 'Request-Id': `req_${key}`, 'X-Echo-Authorization': auth };
      const status = echoStatuses[n++ % echoStatuses.length]!;
      if (status === 200) {
        res.writeHead(200, headers).end(JSON.stringify({ id: 'obj_echo', object: 'list', data: [], has_more: false, next_page: null }));
      } else if (status === 502) {
        res.writeHead(502, { ...headers, 'Content-Type': 'text/html' }).end(`<html>Bad gateway for ${auth} (${key})</html>`);
      } else {
        res.writeHead(status, headers).end(JSON.stringify(echoErrorBody(auth, key)));
      }
    });
  });
  await new Promise<void>((ready) => echo.listen(0, '127.0.0.1', ready));
  echoBase = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((done) => echo.close(done));
  await redisServer.stop();
});

/** Every surface of an error a host, the CLI, MCP or BullMQ could show. */
function recordError(where: string, error: unknown): void {
  if (error instanceof StripeError) {
    record(`${where}: toJSON`, error.toJSON());
    record(`${where}: fields`, { ...error });
    record(`${where}: raw`, error.raw);
  }
  record(`${where}: message`, (error as Error)?.message);
  record(`${where}: String`, String(error));
  record(`${where}: stack`, (error as Error)?.stack);
  record(`${where}: MCP result`, toolErrorResult(error, { available: new Set(listActions().map((a) => a.key)) }));
  record(`${where}: CLI error body`, errorBody(error));
  record(`${where}: CLI readable error`, readableError(error, true));
}

/** Every key and value under the test's prefix (all of Redis when it is our own). */
async function redisPlaces(): Promise<Array<[string, string]>> {
  const entries = await dumpPrefix(redis, redisServer.owned ? '' : redisServer.prefix);
  return entries.flatMap((e): Array<[string, string]> => [
    [`redis key`, e.key],
    [`redis ${e.type} ${e.key}`, e.value],
  ]);
}

const audit = async (): Promise<Hit[]> => findLeaks([...places, ...lines.map((line, i): [string, string] => [`pino line ${i}`, line]), ...(await redisPlaces())], FORMS);

describe('the leak audit', () => {
  it('self-check: the search finds a planted hit in each kind of place', async () => {
    const basic = `Basic ${Buffer.from(`${AUDIT_KEY}:`).toString('base64')}`;
    expect(findLeaks([['planted', `x ${basic} y`]], FORMS).length).toBeGreaterThan(0);
    expect(findLeaks([['planted', encodeURIComponent(Buffer.from(`${AUDIT_KEY}:`).toString('base64'))]], FORMS).length).toBeGreaterThan(0);
    expect(findLeaks([['planted', `${AUDIT_KEY.slice(0, -4)}****`]], FORMS).length).toBeGreaterThan(0);
    const plantedKey = `${redisServer.prefix}:planted`;
    await redis.set(plantedKey, basic);
    lines.push(JSON.stringify({ msg: `planted ${AUDIT_KEY}` }));
    places.push(['planted place', Buffer.from(AUDIT_KEY).toString('base64')]);
    const hits = await audit();
    expect(new Set(hits.map((h) => h.where))).toEqual(new Set([`redis string ${plantedKey}`, `pino line ${lines.length - 1}`, 'planted place']));
    await redis.del(plantedKey);
    lines.pop();
    places.pop();
    expect(await audit()).toEqual([]);
  });

  it('every action on the emulator (success), on invalid input, and against the echoing server', async () => {
    const onEmulator = new StripeClient({ secret_key: AUDIT_KEY }, { apiBase: env.emulator.url, logger, maxRetries: 0 });
    const onEcho = new StripeClient({ secret_key: AUDIT_KEY }, { apiBase: echoBase, logger, maxRetries: 0 });
    let succeeded = 0;
    let failed = 0;
    for (const actionCase of allCases) {
      env.emulator.reset();
      const input = await actionCase.input(env);
      try {
        record(`${actionCase.key} result`, await runAction(actionCase.key, input, { client: onEmulator }));
        succeeded++;
      } catch (error) {
        recordError(`${actionCase.key} on the emulator`, error);
      }
      try {
        await runAction(actionCase.key, actionCase.invalid.input, { client: onEmulator });
      } catch (error) {
        recordError(`${actionCase.key} invalid input`, error);
      }
      try {
        record(`${actionCase.key} echo result`, await runAction(actionCase.key, input, { client: onEcho }));
      } catch (error) {
        failed++;
        recordError(`${actionCase.key} on the echo server`, error);
      }
    }
    expect(allCases).toHaveLength(125);
    expect(succeeded).toBe(125);
    // The echo reached the outputs (masked): the audit below is not vacuous.
    expect(failed).toBeGreaterThan(100);
    expect(places.filter(([where, text]) => where.includes('echo server') && text.includes('[redacted]')).length).toBeGreaterThan(100);
    expect(await audit()).toEqual([]);
  });

  it('every trigger through BullMQ workers: on the emulator, and failing against the echoing server', async () => {
    echoStatuses = [401, 403, 400, 404, 402, 500, 502];
    const workers: TriggerWorker[] = [];
    const services: TriggerService[] = [];
    const delivered: unknown[] = [];
    for (const [suffix, apiBase] of [['ok', env.emulator.url], ['echo', echoBase]] as const) {
      const prefix = `${redisServer.prefix}-${suffix}`;
      workers.push(
        createTriggerWorker({
          connection: redisServer.url,
          prefix,
          resolveCredentials: () => ({ secret_key: AUDIT_KEY }),
          onEvent: (event) => void delivered.push(event),
          clientOptions: { apiBase, maxRetries: 0 },
          logger,
          rateLimits: { test: 10_000 },
          backoff: { baseMs: 100, maxMs: 200 },
        }),
      );
      services.push(new TriggerService({ redis, prefix }));
    }
    try {
      env.emulator.reset();
      // Something for each trigger to find on its first poll (backfill), made through the actions.
      const customer = await env.run('create_customer', { email: 'audit@example.com' });
      await env.run('create_charge', { amount: 1234, currency: 'usd', source: 'tok_visa', customer: customer.id });
      const triggers = listTriggers();
      expect(triggers).toHaveLength(18);
      for (const service of services) {
        for (const trigger of triggers) await service.subscribe({ id: `audit-${trigger.key}`, trigger: trigger.key, options: { backfill: 2 }, connection_ref: 'audit' });
      }
      const [ok, failing] = services as [TriggerService, TriggerService];
      await waitFor(async () => (await Promise.all(triggers.map(async (t) => (await ok.status(`audit-${t.key}`))?.state.baselined))).every(Boolean), 'every trigger polled on the emulator');
      await waitFor(
        async () => (await Promise.all(triggers.map(async (t) => (await failing.status(`audit-${t.key}`))?.state.last_error))).every(Boolean),
        'every trigger failing on the echo server',
        { poke: async () => Promise.all(triggers.map((t) => failing.requestPoll(`audit-${t.key}`))) },
      );
      await waitFor(() => delivered.length > 0, 'an event delivered');
      for (const service of services) {
        for (const trigger of triggers) record(`trigger ${trigger.key} status`, await service.status(`audit-${trigger.key}`));
        for (const queue of [service.pollQueue, service.eventQueue]) {
          const jobs = await queue.getJobs(['completed', 'failed', 'delayed', 'waiting', 'active', 'wait', 'prioritized'], 0, -1);
          for (const job of jobs) if (job) record(`BullMQ ${queue.name} job ${job.id}`, { data: job.data, failedReason: job.failedReason, stacktrace: job.stacktrace, returnvalue: job.returnvalue, name: job.name });
        }
      }
      record('delivered events', delivered);
      const lastErrors = places.filter(([where, text]) => where.startsWith('trigger') && text.includes('[redacted]'));
      expect(lastErrors.length).toBeGreaterThan(0);
      expect(await audit()).toEqual([]);
    } finally {
      await Promise.all(workers.map((w) => w.close(5_000)));
      await Promise.all(services.map((s) => s.close()));
    }
  });

  it('the CLI: run, subscribe, poll and subscriptions, on the emulator and the echoing server, logging at debug', async () => {
    echoStatuses = [400, 401, 402, 404];
    const cliEnv = (apiBase: string) => ({
      STRIPE_SECRET_KEY: AUDIT_KEY,
      STRIPE_API_BASE: apiBase,
      REDIS_URL: redisServer.url,
      REDIS_PREFIX: `${redisServer.prefix}-cli`,
      CONNECTOR_ENCRYPTION_KEY: ENCRYPTION_KEY,
      LOG_LEVEL: 'debug',
    });
    const runs: Array<[string[], string, string?]> = [
      [['run', 'create_customer', '--input', '{"email": "cli@example.com"}'], env.emulator.url],
      [['run', 'list_customers', '--input', '{"limit": 2}'], env.emulator.url],
      [['run', 'retrieve_customer', '--input', '{"customer_id": "cus_missing"}'], env.emulator.url],
      [['run', 'create_customer', '--input', '{"email": "cli@example.com"}'], echoBase],
      [['run', 'list_customers', '--input', '{}'], echoBase],
      [['run', 'retrieve_customer', '--input', '{"customer_id": "cus_1"}'], echoBase],
      [['run', 'raw_api_request', '--input', '-'], echoBase, '{"method": "GET", "path": "/v1/balance"}'],
      [['run', 'create_refund', '--input', '{"charge": "ch_1", "amount": 99999}'], echoBase],
      [['subscribe', 'new_charge', '--id', 'cli-ok', '--every', '1m'], env.emulator.url],
      [['subscribe', 'new_customer', '--id', 'cli-echo', '--every', '1m'], echoBase],
      [['poll', 'cli-ok'], env.emulator.url],
      [['poll', 'cli-echo'], echoBase],
      [['subscriptions'], echoBase],
      [['manifest'], echoBase],
    ];
    let errors = 0;
    for (const [args, apiBase, stdin] of runs) {
      const { code, stdout, stderr } = await piped(args, cliEnv(apiBase), stdin);
      if (code !== 0) errors++;
      record(`CLI ${args.join(' ')} stdout`, stdout);
      record(`CLI ${args.join(' ')} stderr`, stderr);
    }
    expect(errors).toBeGreaterThanOrEqual(5);
    expect(places.some(([where, text]) => where.startsWith('CLI') && text.includes('[redacted]'))).toBe(true);
    expect(await audit()).toEqual([]);
  });

  it('the CLI worker, logging at debug, polling a subscription that fails against the echoing server', async () => {
    echoStatuses = [401];
    const child = require('node:child_process').spawn(process.execPath, [CLI, 'worker'], {
      env: {
        PATH: process.env.PATH ?? '',
        STRIPE_API_BASE: echoBase,
        REDIS_URL: redisServer.url,
        REDIS_PREFIX: `${redisServer.prefix}-cli`,
        CONNECTOR_ENCRYPTION_KEY: ENCRYPTION_KEY,
        LOG_LEVEL: 'debug',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const before = echoed;
    const service = new TriggerService({ redis, prefix: `${redisServer.prefix}-cli` });
    try {
      await waitFor(() => echoed > before, 'the worker polling the echo server', { poke: () => service.requestPoll('cli-echo'), intervalMs: 200 });
      await sleep(500);
    } finally {
      child.kill('SIGTERM');
      await new Promise((done) => child.on('close', done));
      await service.close();
    }
    record('CLI worker output', out);
    expect(out.length).toBeGreaterThan(0);
    expect(await audit()).toEqual([]);
  });

  it('the MCP server over stdio, calling tools against the echoing server', async () => {
    echoStatuses = [401, 402, 404, 400];
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [CLI, 'mcp'],
      env: { PATH: process.env.PATH ?? '', STRIPE_SECRET_KEY: AUDIT_KEY, STRIPE_API_BASE: echoBase, LOG_LEVEL: 'debug' },
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const client = new Client({ name: 'leak-audit', version: '1.0.0' });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      record('MCP tool list', tools);
      const names = new Set(tools.map((t) => t.name));
      // The default surface reaches the actions through run_read_action / run_write_action.
      const calls: Array<[string, string, Record<string, unknown>]> = [
        ['run_read_action', 'retrieve_customer', { customer_id: 'cus_1' }],
        ['run_write_action', 'create_customer', { email: 'mcp@example.com' }],
        ['run_read_action', 'list_charges', {}],
        ['run_write_action', 'create_refund', { charge: 'ch_1', amount: 5 }],
      ];
      let called = 0;
      for (const [tool, action, args] of calls) {
        if (!names.has(tool)) continue;
        called++;
        record(`MCP ${action} result`, await client.callTool({ name: tool, arguments: { action, arguments: args } }).catch((error: unknown) => String(error)));
      }
      expect(called).toBeGreaterThan(0);
    } finally {
      await client.close();
    }
    record('MCP server stderr', stderr);
    expect(places.some(([where, text]) => where.startsWith('MCP') && text.includes('[redacted]'))).toBe(true);
    expect(await audit()).toEqual([]);
  });

  it('the manifest, as generated and as committed', async () => {
    record('manifest (generated)', renderManifest());
    record('manifest.json', readFileSync(join(__dirname, '..', 'manifest.json'), 'utf8'));
    const hits = await audit();
    // The figure the closing note quotes.
    console.log(`leak audit: ${places.length} outputs, ${lines.length} pino lines, ${(await redisPlaces()).length / 2} Redis keys searched for ${FORMS.length} key forms: ${hits.length} hits`);
    expect(hits).toEqual([]);
  });
});
