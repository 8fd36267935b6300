import type { ActionCase } from './types';

export const cases: ActionCase[] = [
  {
    key: 'retrieve_balance',
    input: () => ({}),
    request: () => ({ method: 'GET', path: '/v1/balance' }),
    check: (balance) => expect(balance).toMatchObject({ object: 'balance', available: expect.any(Array) }),
    invalid: { input: { currency: 'usd' }, field: 'currency' },
  },
];
