/**
 * A bare webhook receiver for tests: a node:http server on loopback that records every POST's raw
 * body and headers before answering, with nothing of the connector's receiver in between. What it
 * answers is up to the test (`respond`), and it can hold answers to show a delivery is in flight.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedDelivery {
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** Date.now() when the body was complete. */
  at: number;
}

export interface WebhookRecorder {
  /** 'http://127.0.0.1:PORT' */
  readonly url: string;
  readonly received: ReceivedDelivery[];
  /** The status to answer the n-th request (0-based); default 200. */
  respond: (delivery: ReceivedDelivery, n: number) => number;
  /** While true, answers wait until release() (the request stays in flight). */
  hold: boolean;
  release(): void;
  close(): Promise<void>;
}

export async function startWebhookRecorder(): Promise<WebhookRecorder> {
  const waiting: (() => void)[] = [];
  const recorder: WebhookRecorder = {
    url: '',
    received: [],
    respond: () => 200,
    hold: false,
    release() {
      recorder.hold = false;
      for (const answer of waiting.splice(0)) answer();
    },
    close: async () => {
      recorder.release();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = createServer((req, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const delivery: ReceivedDelivery = { path: req.url ?? '/', headers: req.headers, rawBody: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      const n = recorder.received.push(delivery) - 1;
      const answer = () => {
        res.writeHead(recorder.respond(delivery, n), { 'Content-Type': 'application/json' });
        res.end('{"received":true}');
      };
      if (recorder.hold) waiting.push(answer);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  (recorder as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return recorder;
}

/** The v1 values and timestamp of a Stripe-Signature header. */
export function parseSignature(header: string | string[] | undefined): { t: number; v1: string[] } {
  const parts = String(header ?? '').split(',');
  const t = Number(parts.find((p) => p.startsWith('t='))?.slice(2));
  return { t, v1: parts.filter((p) => p.startsWith('v1=')).map((p) => p.slice(3)) };
}

/** Computed here, independently of the emulator: hex HMAC-SHA256 of "<t>.<raw body>". */
export function expectedSignature(secret: string, t: number, rawBody: string): string {
  return createHmac('sha256', secret).update(`${t}.${rawBody}`).digest('hex');
}

/** Whether `secret` signed the delivery (any of its v1 values, constant-time compared). */
export function signedWith(delivery: ReceivedDelivery, secret: string): boolean {
  const { t, v1 } = parseSignature(delivery.headers['stripe-signature']);
  const expected = Buffer.from(expectedSignature(secret, t, delivery.rawBody), 'hex');
  return v1.some((v) => {
    const got = Buffer.from(v, 'hex');
    return got.length === expected.length && timingSafeEqual(got, expected);
  });
}
