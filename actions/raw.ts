import { z } from 'zod';
import { defineAction } from './define';
import { isApiPath } from '../client/client';
import { idempotencyKey } from '../schemas/common';
import { customerObject } from '../schemas/objects/customer';

const params = z.record(z.string().min(1), z.unknown());

export const rawApiRequest = defineAction({
  key: 'raw_api_request',
  title: 'Raw API request',
  description:
    'Calls any Stripe endpoint the catalogue does not cover, through the same client as every action: the connection\'s key, ' +
    'pinned Stripe-Version and Connect account, retries, idempotency and typed errors. method is GET, POST or DELETE; path is an API ' +
    'path such as /v1/customers/cus_123 (or /v2/... with a JSON body), never a URL; query is for GET and DELETE, body for POST. ' +
    'Returns Stripe\'s JSON answer.',
  group: 'raw',
  // Whatever the endpoint answers; the sample is GET /v1/customers/{id}.
  output: { schema: z.looseObject({}).describe('Stripe\'s JSON answer, as it came.'), sample: customerObject.sample },
  method: 'ANY',
  path: '/v1/*, /v2/*',
  input: z
    .object({
      method: z.enum(['GET', 'POST', 'DELETE']).describe('HTTP method.'),
      path: z
        .string()
        .max(5000)
        .refine(isApiPath, 'expected a Stripe API path such as /v1/customers (no scheme, host, "..", "//" or %-escapes)')
        .describe('API path under /v1/ or /v2/, e.g. /v1/tax_codes or /v1/customers/cus_123/balance_transactions.'),
      query: params.optional().describe('Query parameters (GET, DELETE), e.g. {"limit": 3, "expand": ["data.customer"]}.'),
      body: params
        .optional()
        .describe('Body parameters (POST): form-encoded under /v1/ (e.g. {"metadata": {"k": "v"}}), JSON under /v2/.'),
      idempotency_key: idempotencyKey,
    })
    .strict()
    .superRefine((input, ctx) => {
      if (input.method !== 'POST' && input.body !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['body'], message: `${input.method} takes query, not body` });
      }
      if (input.method === 'POST' && input.query !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['query'], message: 'POST takes body, not query' });
      }
      if (input.method !== 'POST' && input.idempotency_key !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['idempotency_key'], message: 'only a POST takes an idempotency key' });
      }
    }),
  async run(ctx, input) {
    const response = await ctx.client.request({
      method: input.method,
      path: input.path,
      params: input.method === 'POST' ? input.body : input.query,
      idempotencyKey: input.idempotency_key,
    });
    return response.body;
  },
});

export const rawActions = [rawApiRequest];
