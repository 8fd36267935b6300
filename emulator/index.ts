/**
 * A stateful Stripe emulator on loopback: Stripe's wire format, auth, errors, lists and cursors,
 * search, expansion, idempotency, plus fault injection and a controllable clock for tests.
 *
 *   const emulator = await startEmulator();
 *   process.env.STRIPE_API_BASE = emulator.url;
 *   ...
 *   await emulator.close();
 */
import { EmulatorCore } from './server';
import type { Emulator, EmulatorOptions } from './types';

export type {
  Emulator,
  EmulatorClock,
  EmulatorOptions,
  Fault,
  FaultMatch,
  RecordedRequest,
  SameSecondOrder,
  StripeErrorBody,
} from './types';
export { DEFAULT_STRIPE_VERSION, PLATFORM_ACCOUNT } from './server';

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const core = new EmulatorCore(options);
  const { host, port } = await core.listen();
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const emulator: Emulator = {
    url,
    port,
    close: () => core.close(),
    reset: () => core.reset(),
    clock: core.clock,
    inject: (fault) => core.inject(fault),
    clearFaults: () => core.clearFaults(),
    setLatency: (ms) => core.setLatency(ms),
    setSameSecondOrder: (order) => core.setSameSecondOrder(order),
    revokeKey: (key) => core.revokeKey(key),
    restoreKey: (key) => core.restoreKey(key),
    requests: core.requests,
    clearRequests: () => core.clearRequests(),
    objects: (type, account) => core.objects(type, account),
  };
  core.bindPublic(emulator);
  return emulator;
}
