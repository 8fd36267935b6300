import { z } from 'zod';
import { defineAction } from '../connector/action';
import { expand } from '../schemas/common';

export const retrieveBalance = defineAction({
  key: 'retrieve_balance',
  title: 'Retrieve balance',
  description: 'Retrieves the account balance: available and pending amounts per currency, in the smallest currency unit.',
  group: 'balance',
  method: 'GET',
  path: '/v1/balance',
  input: z.object({ expand }).strict(),
});

export const balanceActions = [retrieveBalance];
