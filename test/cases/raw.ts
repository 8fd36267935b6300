import type { ActionCase } from './types';

export const cases: ActionCase[] = [
  {
    key: 'raw_api_request',
    input: async (ctx) => {
      for (const email of ['a@example.com', 'b@example.com', 'a@example.com']) await ctx.run('create_customer', { email });
      return { method: 'GET', path: '/v1/customers', query: { limit: 1, email: 'a@example.com' } };
    },
    request: () => ({ method: 'GET', path: '/v1/customers', params: { limit: '1', email: 'a@example.com' } }),
    check: (list) => expect(list).toMatchObject({ object: 'list', data: [{ email: 'a@example.com' }], has_more: true }),
    invalid: { input: { method: 'GET', path: 'https://evil.example/v1/charges' }, field: 'path' },
  },
];
