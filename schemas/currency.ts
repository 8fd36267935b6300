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

/** Why an amount is not valid for its currency, or undefined when it is. */
export function amountProblem(amount: number, currency: string): string | undefined {
  if (THREE_DECIMAL_CURRENCIES.has(currency.toLowerCase()) && amount % 10 !== 0) {
    return `${currency.toUpperCase()} amounts are in thousandths and must end in 0 (Stripe charges whole hundredths)`;
  }
  return undefined;
}

/** A smallest-unit amount as a decimal string in the major unit: (1999, 'usd') -> '19.99', (500, 'jpy') -> '500'. */
export function formatAmount(amount: number, currency: string): string {
  const decimals = currencyDecimals(currency);
  if (decimals === 0) return String(amount);
  const sign = amount < 0 ? '-' : '';
  const digits = String(Math.abs(amount)).padStart(decimals + 1, '0');
  return `${sign}${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}
