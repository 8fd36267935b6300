/**
 * Currencies whose smallest unit is not a hundredth. Amounts are always integers in the smallest
 * unit: 500 JPY is ¥500 (not ¥5), 1000 BHD-fils is 1.000 BHD.
 */
export const ZERO_DECIMAL_CURRENCIES: ReadonlySet<string> = new Set([
  'bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf',
]);

/** Three-decimal currencies: Stripe requires amounts that end in 0 (a whole number of hundredths). */
export const THREE_DECIMAL_CURRENCIES: ReadonlySet<string> = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd']);

/** Digits after the decimal point in the currency's major unit (0, 2 or 3). */
export function currencyDecimals(currency: string): 0 | 2 | 3 {
  const code = currency.toLowerCase();
  if (ZERO_DECIMAL_CURRENCIES.has(code)) return 0;
  if (THREE_DECIMAL_CURRENCIES.has(code)) return 3;
  return 2;
}

/**
 * Two-decimal in the API, but only whole units are accepted (docs.stripe.com/currencies#special-cases):
 * ISK everywhere since card networks dropped fractional krónur; HUF and TWD for payouts.
 */
const WHOLE_UNITS_ONLY: ReadonlySet<string> = new Set(['isk']);
const WHOLE_UNIT_PAYOUTS: ReadonlySet<string> = new Set(['huf', 'twd']);

/** Why an amount is not valid for its currency (in a charge, or in a payout), or undefined when it is. */
export function amountProblem(amount: number, currency: string, use: 'payment' | 'payout' = 'payment'): string | undefined {
  const code = currency.toLowerCase();
  if (THREE_DECIMAL_CURRENCIES.has(code) && amount % 10 !== 0) {
    return `${code.toUpperCase()} amounts are in thousandths and must end in 0 (Stripe charges whole hundredths)`;
  }
  if ((WHOLE_UNITS_ONLY.has(code) || (use === 'payout' && WHOLE_UNIT_PAYOUTS.has(code))) && amount % 100 !== 0) {
    return `${code.toUpperCase()} amounts are in hundredths but must be whole units: a multiple of 100`;
  }
  return undefined;
}

/**
 * A decimal amount in the major unit as the integer Stripe takes, exactly (no floating point):
 * ('19.99', 'usd') -> 1999, ('500', 'jpy') -> 500, ('1.5', 'bhd') -> 1500. Refuses more decimals than the
 * currency has, so nothing is silently rounded.
 */
export function toMinorUnits(major: string | number, currency: string): number {
  const text = typeof major === 'number' ? major.toString() : major.trim();
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new RangeError(`${JSON.stringify(major)} is not a decimal amount such as 19.99`);
  const [, sign, whole, fraction = ''] = match;
  const decimals = currencyDecimals(currency);
  if (fraction.replace(/0+$/, '').length > decimals) {
    throw new RangeError(`${currency.toUpperCase()} has ${decimals} decimals; ${text} has more`);
  }
  const minor = Number(whole! + fraction.padEnd(decimals, '0').slice(0, decimals));
  if (!Number.isSafeInteger(minor)) throw new RangeError(`${text} is too large`);
  return sign ? -minor : minor;
}

/** A smallest-unit amount as a decimal string in the major unit: (1999, 'usd') -> '19.99', (500, 'jpy') -> '500'. */
export function formatAmount(amount: number, currency: string): string {
  const decimals = currencyDecimals(currency);
  if (decimals === 0) return String(amount);
  const sign = amount < 0 ? '-' : '';
  const digits = String(Math.abs(amount)).padStart(decimals + 1, '0');
  return `${sign}${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}
