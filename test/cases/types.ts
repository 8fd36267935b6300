import type { EmulatorEnv } from '../support/harness';

/** Cases get what the test file itself has: `run` for what a case needs first, e.g. a customer to attach to. */
export type CaseContext = EmulatorEnv;

export interface ExpectedRequest {
  method: 'GET' | 'POST' | 'DELETE';
  /** The exact path, ids filled in, e.g. `/v1/customers/cus_123/sources`. */
  path: string;
  /**
   * The parameters as they arrive at Stripe (form body for POST, query otherwise), compared exactly.
   * Omit it to expect the action's parsed input minus path ids and connector-only fields
   * (idempotency_key, return_all, max_items), with every value in its wire form.
   */
  params?: Record<string, unknown>;
}

/**
 * One action's catalogue test: valid input (and what it sends, what it returns), and invalid input
 * (which must send nothing and name the field).
 */
export interface ActionCase {
  key: string;
  /** Valid input; may create what it needs first through ctx.run. */
  input(ctx: CaseContext): Promise<Record<string, unknown>> | Record<string, unknown>;
  /** The last request the action sends. */
  request(input: Record<string, any>): ExpectedRequest;
  /** Assertions on the action's result. */
  check(result: any, input: Record<string, any>, ctx: CaseContext): void | Promise<void>;
  /** Input the action must refuse before sending anything, and the field the error names. */
  invalid: { input: Record<string, unknown>; field: string };
}
