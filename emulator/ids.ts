import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `length` random alphanumerics (unbiased: bytes >= 248 are discarded, 248 = 4 * 62). */
export function randomAlnum(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248) out += ALPHABET[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

/**
 * Issues Stripe-like ids (`cus_` + 14, `ch_` + 24 ...). Remembers what it issued so ids stay
 * unique for the emulator's lifetime, across resets too (a test may hold ids from before a reset).
 */
export class IdFactory {
  private readonly issued = new Set<string>();

  next(prefix: string, length: number): string {
    for (;;) {
      const id = prefix + randomAlnum(length);
      if (!this.issued.has(id)) {
        this.issued.add(id);
        return id;
      }
    }
  }
}

export const requestId = (): string => 'req_' + randomAlnum(14);
