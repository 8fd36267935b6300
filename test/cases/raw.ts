import type { ActionCase } from './types';

export const cases: ActionCase[] = [
  {
    key: 'raw_api_request',
    input: () => ({ method: 'GET', path: '/v1/customers', query: { limit: 2, email: 'a@example.com' } }),
    request: () => ({ method: 'GET', path: '/v1/customers', params: { limit: '2', email: 'a@example.com' } }),
    check: (list) => expect(list).toMatchObject({ object: 'list', data: [], has_more: false }),
    invalid: { input: { method: 'GET', path: 'https://evil.example/v1/charges' }, field: 'path' },
  },
];
