/** Subscription prerequisites made through the actions; the catalogue cases and the scenarios build them the same way. */
import type { EmulatorEnv } from './harness';

export const customer = (env: EmulatorEnv, email = 'subscriber@example.com') => env.run('create_customer', { email });

export const recurringPrice = (env: EmulatorEnv, unitAmount = 1500, name = 'Pro plan') =>
  env.run('create_price', { product_data: { name }, currency: 'usd', unit_amount: unitAmount, recurring: { interval: 'month' } });

export const oneTimePrice = (env: EmulatorEnv, unitAmount = 2000, name = 'T-shirt') =>
  env.run('create_price', { product_data: { name }, currency: 'usd', unit_amount: unitAmount });

export async function subscription(env: EmulatorEnv, extra: Record<string, unknown> = {}) {
  const [cus, price] = await Promise.all([customer(env), recurringPrice(env)]);
  return env.run('create_subscription', { customer: cus.id, items: [{ price: price.id, quantity: 1 }], ...extra });
}

/** Meters have no action (only listing them): the emulator's POST /v1/billing/meters, through the client. */
export async function meter(env: EmulatorEnv, eventName = 'api_requests', displayName = 'API requests') {
  const response = await env.client.request({
    method: 'POST',
    path: '/v1/billing/meters',
    params: { display_name: displayName, event_name: eventName, default_aggregation: { formula: 'sum' } },
  });
  return response.body as any;
}
