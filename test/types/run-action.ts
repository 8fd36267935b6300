/**
 * Type tests, checked by `tsc` in every build (not run): `runAction` with a literal key takes that
 * action's input type and resolves to its output type, both inferred from the zod schemas; a key held
 * as a string takes anything and resolves to `unknown`. Each @ts-expect-error fails the build if the
 * line below it ever type-checks.
 */
import { createClient, runAction, type ActionInput, type ActionKey, type ActionOutput } from '../../connector';

const client = createClient({ secret_key: 'sk_test_typesOnly12345' });
const ctx = { client };

export async function typedByKey(): Promise<void> {
  const customer = await runAction('create_customer', { email: 'jane@example.com', metadata: { plan: 'pro' } }, ctx);
  const email: string | null = customer.email;
  const id: string = customer.id;
  const object: 'customer' = customer.object;

  const charge = await runAction('create_charge', { amount: 2000, currency: 'usd', source: 'tok_visa' }, ctx);
  const amount: number = charge.amount;

  const page = await runAction('list_customers', { limit: 3 }, ctx);
  const first: string | undefined = page.data[0]?.id;
  const more: boolean = page.has_more;

  // find_* resolves to the object or null.
  const found = await runAction('find_customer', { email: 'jane@example.com' }, ctx);
  // @ts-expect-error found may be null
  void found.id;
  void [email, id, object, amount, first, more];
}

export async function inputsAreChecked(): Promise<void> {
  // @ts-expect-error an unknown field
  await runAction('create_customer', { emial: 'jane@example.com' }, ctx);
  // @ts-expect-error a field of the wrong type
  await runAction('create_customer', { email: 5 }, ctx);
  // @ts-expect-error amount is required
  await runAction('create_charge', { currency: 'usd', source: 'tok_visa' }, ctx);
  // @ts-expect-error a string amount
  await runAction('create_refund', { charge: 'ch_1', amount: '5' }, ctx);
}

export async function keysAsData(key: string, input: unknown): Promise<void> {
  // A host that holds keys as data: any string, any input, an unknown result.
  const result: unknown = await runAction(key, input, ctx);
  // @ts-expect-error the result is unknown until checked
  void result.id;
}

// The helper types name every key and its input and output.
const key: ActionKey = 'retrieve_balance';
// @ts-expect-error not an action key
const notAKey: ActionKey = 'create_customers';
const input: ActionInput<'update_customer'> = { customer_id: 'cus_123', name: null };
type Refund = ActionOutput<'create_refund'>;
const refundAmount = (refund: Refund): number => refund.amount;
void [key, notAKey, input, refundAmount];
