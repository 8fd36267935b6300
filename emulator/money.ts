/**
 * How Stripe writes an amount in its error messages: `$20.00`, `¥500`, `1.500 BHD`. The emulator keeps
 * its own currency table rather than importing the connector's: it models Stripe, so a mistake in the
 * connector's table cannot be mirrored here and pass the tests.
 */
const ZERO_DECIMAL = new Set(['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf']);
const THREE_DECIMAL = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd']);
const SYMBOLS: Record<string, string> = { usd: '$', eur: '€', gbp: '£', jpy: '¥' };

export function displayAmount(amount: number, currency: string): string {
  const decimals = ZERO_DECIMAL.has(currency) ? 0 : THREE_DECIMAL.has(currency) ? 3 : 2;
  const digits = String(Math.abs(amount)).padStart(decimals + 1, '0');
  const number = `${amount < 0 ? '-' : ''}${decimals ? `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}` : digits}`;
  const symbol = SYMBOLS[currency];
  return symbol ? `${symbol}${number}` : `${number} ${currency.toUpperCase()}`;
}
