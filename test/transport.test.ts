/**
 * The transport under the client (client/transport.ts), over real sockets: where it may send, how many
 * sockets it opens, and that a body split anywhere arrives whole.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { AxiosError } from 'axios';
import { StripeClient } from '../client/client';
import { closeTransport, http } from '../client/transport';
import { TEST_KEY } from './support/harness';

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; origin: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const close = (server: Server) => new Promise((resolve) => server.close(resolve));

afterEach(() => closeTransport());

describe('the transport', () => {
  it('sends only a path under the base URL it is given, never an absolute URL', async () => {
    const hits: string[] = [];
    const home = await listen((req, res) => res.end('{}'));
    const elsewhere = await listen((req, res) => {
      hits.push(`${req.url} ${req.headers.authorization ?? ''}`);
      res.end('{}');
    });
    try {
      const sent = http().request({ method: 'GET', baseURL: home.origin, url: `${elsewhere.origin}/v1/balance`, headers: { Authorization: 'Basic a2V5Og==' } });
      await expect(sent).rejects.toBeInstanceOf(AxiosError);
      await expect(sent).rejects.toMatchObject({ code: AxiosError.ERR_BAD_OPTION });
      expect(hits).toEqual([]);
      const fine = await http().request({ method: 'GET', baseURL: home.origin, url: '/v1/balance' });
      expect(fine.status).toBe(200);
    } finally {
      await close(home.server);
      await close(elsewhere.server);
    }
  });

  it('opens as many sockets as there are requests in flight (no fixed cap per origin)', async () => {
    const inFlight = 80;
    const sockets = new Set<unknown>();
    const held: ServerResponse[] = [];
    let released = false;
    const release = () => {
      released = true;
      held.splice(0).forEach((res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"object":"balance"}'));
    };
    const { server, origin } = await listen((req, res) => {
      sockets.add(req.socket);
      held.push(res);
      if (released || held.length === inFlight) release();
    });
    // Should the sockets be capped, the held requests would wait for ever: let them go after a while.
    const fallback = setTimeout(release, 3000);
    try {
      const client = new StripeClient({ secret_key: TEST_KEY }, { apiBase: origin });
      const started = Date.now();
      await Promise.all(Array.from({ length: inFlight }, () => client.request({ method: 'GET', path: '/v1/balance' })));
      expect(sockets.size).toBe(inFlight);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      clearTimeout(fallback);
      await closeTransport();
      await close(server);
    }
  });

  it('decodes a body that arrives in pieces split inside a UTF-8 character', async () => {
    const name = 'Zoë Ünal – 東京 😀'.repeat(2000);
    const bytes = Buffer.from(JSON.stringify({ id: 'cus_1', object: 'customer', name }));
    const splitAt = bytes.indexOf(Buffer.from('😀')) + 1; // inside the 4-byte emoji
    const { server, origin } = await listen((req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': bytes.length, 'Request-Id': 'req_pieces' });
      res.write(bytes.subarray(0, splitAt));
      setTimeout(() => res.end(bytes.subarray(splitAt)), 20);
    });
    try {
      const client = new StripeClient({ secret_key: TEST_KEY }, { apiBase: origin });
      const response = await client.request<{ name: string }>({ method: 'GET', path: '/v1/customers/cus_1' });
      expect(response.body.name).toBe(name);
      expect(response.requestId).toBe('req_pieces');
    } finally {
      await close(server);
    }
  });

  it('decodes ASCII pieces, non-ASCII text after ASCII pieces and a character split across pieces, as UTF-8 would', async () => {
    // Pieces are joined before decoding (a character split across two must decode whole), in a buffer
    // the transport keeps between responses (a shorter body after a longer one must not carry its tail)
    // or, past 1 MB, in one of their own.
    const text = (...parts: string[]) => parts.map((part) => Buffer.from(part));
    const splitInside = (whole: string, at: string): Buffer[] => {
      const bytes = Buffer.from(whole);
      const cut = bytes.indexOf(Buffer.from(at)) + 1; // inside the character's two bytes
      return [bytes.subarray(0, cut), bytes.subarray(cut)];
    };
    const bodies: Record<string, Buffer[]> = {
      '/v1/customers/ascii': text('{"id":"cus_1","name":"', 'Ada '.repeat(5000), 'Lovelace"}'),
      '/v1/customers/mixed': text('{"id":"cus_1","name":"', 'Ada '.repeat(5000), 'Zoë Ünal – 東京"}'),
      '/v1/customers/whole': text('{"id":"cus_1","name":"Zoë"}'),
      '/v1/customers/split': splitInside(`{"id":"cus_1","name":"${'Ada '.repeat(3000)}Zoë"}`, 'ë'),
      '/v1/customers/large': [...text('{"id":"cus_1","name":"', 'Ada '.repeat(300_000)), ...splitInside('Zoë"}', 'ë')],
      '/v1/customers/short': text('{"id":"cus_1",', '"name":"Al"}'),
    };
    const { server, origin } = await listen((req, res) => {
      const pieces = [...bodies[req.url!]!];
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': pieces.reduce((sum, piece) => sum + piece.length, 0) });
      const next = (): void => {
        const piece = pieces.shift()!;
        if (pieces.length === 0) res.end(piece);
        else res.write(piece, () => setTimeout(next, 10));
      };
      next();
    });
    try {
      const client = new StripeClient({ secret_key: TEST_KEY }, { apiBase: origin });
      for (const [path, pieces] of Object.entries(bodies)) {
        const response = await client.request<{ name: string }>({ method: 'GET', path });
        expect(response.body).toEqual(JSON.parse(Buffer.concat(pieces).toString('utf8')));
      }
    } finally {
      await close(server);
    }
  });

  it('keeps the prebuilt Authorization header out of inspection and JSON of the client', () => {
    const client = new StripeClient({ secret_key: TEST_KEY, stripe_account: 'acct_1Bench0000000000' }, { apiBase: 'http://127.0.0.1:9' });
    const basic = Buffer.from(`${TEST_KEY}:`).toString('base64');
    for (const shown of [inspect(client, { depth: 8, showHidden: true }), JSON.stringify(client)]) {
      expect(shown).not.toContain(TEST_KEY);
      expect(shown).not.toContain(basic);
    }
  });
});
