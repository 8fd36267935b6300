/**
 * A stateful Stripe emulator on loopback: Stripe's wire format, auth, errors, lists and cursors,
 * search, expansion, idempotency, signed webhook deliveries to the endpoints it keeps, plus fault
 * injection (requests and deliveries) and a controllable clock for tests.
 *
 *   const emulator = await startEmulator();
 *   process.env.STRIPE_API_BASE = emulator.url;
 *   ...
 *   await emulator.close();
 */
import { EmulatorCore } from './server';
import type { Emulator, EmulatorOptions, EmulatorWebhooks } from './types';

export type {
  Emulator,
  EmulatorClock,
  EmulatorOptions,
  Fault,
  FaultMatch,
  RecordedRequest,
  SameSecondOrder,
  StripeErrorBody,
  WebhookDelivery,
  WebhookDeliveryOptions,
  WebhookEndpointStats,
  WebhookFaults,
  EmulatorWebhooks,
} from './types';
export { signatureHeader, DEFAULT_WEBHOOK_OPTIONS } from './webhooks';
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
    webhooks: {
      setFaults: (faults) => core.webhooks.setFaults(faults),
      clearFaults: () => core.webhooks.clearFaults(),
      idle: (timeoutMs) => core.webhooks.idle(timeoutMs),
      stats: ((endpointId?: string) => (endpointId === undefined ? core.webhooks.stats() : core.webhooks.stats(endpointId))) as EmulatorWebhooks['stats'],
      deliveries: () => core.webhooks.deliveries(),
      rollSecret: (endpointId, options) => core.webhooks.rollSecret(endpointId, options),
    },
  };
  core.bindPublic(emulator);
  return emulator;
}
