/**
 * The control API under /_emulator/ (no auth, JSON in and out): the same controls as the
 * in-process Emulator object, for users running the emulator in another process.
 *
 * Webhooks (the same shapes as emulator.webhooks):
 *   POST   /_emulator/webhooks/faults            WebhookFaults            set the delivery fault switches
 *   DELETE /_emulator/webhooks/faults                                     clear them
 *   GET    /_emulator/webhooks/stats[?endpoint=we_..]                     stats by endpoint (or one)
 *   GET    /_emulator/webhooks/deliveries                                 every delivery, oldest first
 *   POST   /_emulator/webhooks/idle              {timeoutMs?}             answers once no delivery is busy (504 after the timeout)
 *   POST   /_emulator/webhooks/endpoints/:id/roll_secret  {expiresIn?}    -> {secret}
 */
import type { Emulator, Fault, WebhookFaults } from './types';

export interface ControlResponse {
  status: number;
  body: unknown;
}

class ControlError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export async function handleControl(emulator: Emulator, method: string, path: string, query: URLSearchParams, rawBody: string): Promise<ControlResponse> {
  try {
    const route = `${method} ${path.replace(/\/+$/, '')}`;
    const body = () => parseJson(rawBody);
    switch (route) {
      case 'POST /_emulator/reset':
        emulator.reset();
        return ok();
      case 'POST /_emulator/faults':
        emulator.inject(body() as Fault);
        return ok();
      case 'DELETE /_emulator/faults':
        emulator.clearFaults();
        return ok();
      case 'GET /_emulator/clock':
        return ok({ now: emulator.clock.now() });
      case 'POST /_emulator/clock': {
        const b = body();
        if (typeof b.set === 'number') emulator.clock.set(b.set);
        else if (typeof b.advance === 'number') emulator.clock.advance(b.advance);
        else if (b.real === true) emulator.clock.useRealTime();
        else throw new ControlError(400, 'expected {set: n} | {advance: n} | {real: true}');
        return ok({ now: emulator.clock.now() });
      }
      case 'POST /_emulator/latency': {
        const ms = body().ms;
        if (typeof ms !== 'number' || ms < 0) throw new ControlError(400, 'expected {ms: n >= 0}');
        emulator.setLatency(ms);
        return ok();
      }
      case 'POST /_emulator/same-second-order': {
        const order = body().order;
        if (order !== 'newest_first' && order !== 'oldest_first') throw new ControlError(400, "expected {order: 'newest_first' | 'oldest_first'}");
        emulator.setSameSecondOrder(order);
        return ok();
      }
      case 'POST /_emulator/keys/revoke':
        emulator.revokeKey(requireKey(body()));
        return ok();
      case 'POST /_emulator/keys/restore':
        emulator.restoreKey(requireKey(body()));
        return ok();
      case 'GET /_emulator/requests':
        return { status: 200, body: emulator.requests };
      case 'DELETE /_emulator/requests':
        emulator.clearRequests();
        return ok();
      case 'POST /_emulator/webhooks/faults':
        emulator.webhooks.setFaults(body() as WebhookFaults);
        return ok();
      case 'DELETE /_emulator/webhooks/faults':
        emulator.webhooks.clearFaults();
        return ok();
      case 'GET /_emulator/webhooks/stats': {
        const endpoint = query.get('endpoint');
        return { status: 200, body: endpoint ? emulator.webhooks.stats(endpoint) : emulator.webhooks.stats() };
      }
      case 'GET /_emulator/webhooks/deliveries':
        return { status: 200, body: emulator.webhooks.deliveries() };
      case 'POST /_emulator/webhooks/idle': {
        const timeoutMs = body().timeoutMs;
        if (timeoutMs !== undefined && !(typeof timeoutMs === 'number' && timeoutMs > 0)) throw new ControlError(400, 'expected {timeoutMs?: n > 0}');
        try {
          await emulator.webhooks.idle(timeoutMs);
        } catch (err) {
          throw new ControlError(504, (err as Error).message);
        }
        return ok();
      }
    }
    const roll = /^POST \/_emulator\/webhooks\/endpoints\/([A-Za-z0-9_]+)\/roll_secret$/.exec(route);
    if (roll) {
      const expiresIn = body().expiresIn;
      if (expiresIn !== undefined && !(typeof expiresIn === 'number' && expiresIn >= 0)) throw new ControlError(400, 'expected {expiresIn?: seconds >= 0}');
      return { status: 200, body: emulator.webhooks.rollSecret(roll[1]!, { expiresIn }) };
    }
    const objects = /^GET \/_emulator\/objects\/([A-Za-z_.]+)$/.exec(route);
    if (objects) return { status: 200, body: emulator.objects(objects[1]!, query.get('account') ?? undefined) };
    throw new ControlError(404, `unknown control endpoint: ${method} ${path}`);
  } catch (err) {
    const status = err instanceof ControlError ? err.status : 400;
    return { status, body: { error: { message: (err as Error).message } } };
  }
}

export function isControlPath(path: string): boolean {
  return path === '/_emulator' || path.startsWith('/_emulator/');
}

function ok(extra: Record<string, unknown> = {}): ControlResponse {
  return { status: 200, body: { ok: true, ...extra } };
}

function parseJson(raw: string): Record<string, any> {
  if (raw.trim() === '') return {};
  try {
    const v = JSON.parse(raw);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v;
  } catch {
    // reported below
  }
  throw new ControlError(400, 'the body must be a JSON object');
}

function requireKey(b: Record<string, any>): string {
  if (typeof b.key !== 'string' || b.key === '') throw new ControlError(400, 'expected {key: string}');
  return b.key;
}
