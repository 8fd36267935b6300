import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startEmulator } from '../emulator';

/**
 * The main job for now: start the Stripe emulator, then drive the connector's CLI exactly as a user
 * would (a separate process, the key from the environment), printing each command and its result.
 */

const execFileAsync = promisify(execFile);
const CLI = join(__dirname, '..', 'connector', 'cli.js');
const DEMO_KEY = 'sk_test_demoKeyForTheLocalEmulator42';

async function main(): Promise<void> {
  const emulator = await startEmulator();
  const env = { ...process.env, STRIPE_SECRET_KEY: DEMO_KEY, STRIPE_API_BASE: emulator.url };
  console.log(`Stripe emulator listening on ${emulator.url}\n`);

  async function step(action: string, input: Record<string, unknown>): Promise<any> {
    const shown = JSON.stringify(input);
    console.log(`$ stripe-connector run ${action} --input '${shown}'`);
    try {
      const { stdout } = await execFileAsync(process.execPath, [CLI, 'run', action, '--input', shown], { env });
      const result = JSON.parse(stdout);
      console.log(summarise(result), '\n');
      return result;
    } catch (error) {
      const { code, stderr } = error as { code: number; stderr: string };
      console.log(`exit ${code}: ${stderr.trim()}\n`);
      return undefined;
    }
  }

  try {
    const customer = await step('create_customer', { email: 'jane@example.com', name: 'Jane Doe', source: 'tok_visa', metadata: { plan: 'pro' } });
    const charge = await step('create_charge', { amount: 4200, currency: 'usd', customer: customer.id, capture: false, description: 'Order 1001' });
    await step('capture_charge', { charge_id: charge.id, amount: 4000 });
    await step('create_charge', { amount: 1500, currency: 'jpy', source: 'tok_mastercard' });
    await step('create_charge', { amount: 999, currency: 'usd', source: 'tok_chargeDeclined' });
    await step('list_charges', { customer: customer.id, limit: 5 });
    await step('retrieve_balance', {});
    await step('create_customer', { email: 5 });
    console.log(`The emulator saw ${emulator.requests.length} API requests; it holds ${emulator.objects('customer').length} customer(s) and ${emulator.objects('charge').length} charge(s).`);
  } finally {
    await emulator.close();
  }
}

/** Enough of each result to follow the story without pages of JSON. */
function summarise(result: any): string {
  if (result?.object === 'list' || Array.isArray(result?.data)) {
    return `{ data: [${result.data.map((o: any) => `${o.id} ${o.amount ?? ''} ${o.status ?? ''}`.trim()).join(', ')}], has_more: ${result.has_more} }`;
  }
  const keys = ['id', 'object', 'email', 'amount', 'amount_captured', 'currency', 'status', 'captured', 'customer', 'default_source', 'available'];
  return JSON.stringify(Object.fromEntries(keys.filter((k) => result?.[k] !== undefined).map((k) => [k, result[k]])));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
