import { amountProblem, currencyDecimals, formatAmount, toMinorUnits } from '../schemas/currency';

describe('currency helper', () => {
  it('knows zero-, two- and three-decimal currencies, whatever the case', () => {
    expect([currencyDecimals('JPY'), currencyDecimals('krw'), currencyDecimals('usd'), currencyDecimals('BHD'), currencyDecimals('kwd')]).toEqual([0, 0, 2, 3, 3]);
  });

  it('formats smallest-unit amounts in the major unit', () => {
    expect(formatAmount(1999, 'usd')).toBe('19.99');
    expect(formatAmount(5, 'eur')).toBe('0.05');
    expect(formatAmount(-250, 'gbp')).toBe('-2.50');
    expect(formatAmount(500, 'jpy')).toBe('500');
    expect(formatAmount(1500, 'bhd')).toBe('1.500');
  });

  it('converts major-unit amounts to the integer Stripe takes, exactly', () => {
    expect(toMinorUnits('19.99', 'usd')).toBe(1999);
    expect(toMinorUnits(0.29, 'usd')).toBe(29); // 0.29 * 100 is 28.999999999999996 in floating point
    expect(toMinorUnits('500', 'JPY')).toBe(500);
    expect(toMinorUnits('1.5', 'bhd')).toBe(1500);
    expect(toMinorUnits('10.00', 'jpy')).toBe(10);
    expect(toMinorUnits('-3.2', 'eur')).toBe(-320);
  });

  it('refuses what it would have to round or cannot read', () => {
    expect(() => toMinorUnits('10.5', 'jpy')).toThrow('JPY has 0 decimals');
    expect(() => toMinorUnits('1.999', 'usd')).toThrow('USD has 2 decimals');
    expect(() => toMinorUnits('1,50', 'eur')).toThrow('not a decimal amount');
    expect(() => toMinorUnits(1e21, 'usd')).toThrow('not a decimal amount');
    expect(() => toMinorUnits('99999999999999999', 'usd')).toThrow('too large');
  });

  it('names the currency rules Stripe enforces on amounts', () => {
    expect(amountProblem(1005, 'bhd')).toMatch(/BHD amounts are in thousandths and must end in 0/);
    expect(amountProblem(1000, 'bhd')).toBeUndefined();
    expect(amountProblem(150, 'isk')).toMatch(/ISK .* multiple of 100/);
    expect(amountProblem(150, 'huf')).toBeUndefined();
    expect(amountProblem(150, 'huf', 'payout')).toMatch(/HUF .* multiple of 100/);
    expect(amountProblem(7, 'jpy')).toBeUndefined();
  });
});
