/**
 * Idempotency records, per account partition and key. A key is "in flight" from the moment its
 * first request passes the pre-execution checks until that request's result is stored; Stripe
 * answers a concurrent request with the same key 409. Records expire after 24 hours of emulator
 * clock, as Stripe prunes keys after 24 h.
 */
import { createHash } from 'node:crypto';

const TTL_SECONDS = 24 * 60 * 60;

export interface StoredResponse {
  status: number;
  body: unknown;
  /** The Request-Id of the request that produced it (sent back as Original-Request). */
  requestId: string;
}

type Entry =
  | { state: 'in_flight'; fingerprint: string; createdAt: number }
  | { state: 'done'; fingerprint: string; createdAt: number; response: StoredResponse };

export type Lookup =
  | { kind: 'new' }
  | { kind: 'in_flight' }
  | { kind: 'mismatch' }
  | { kind: 'replay'; response: StoredResponse };

export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  /** Looks the key up; a `new` key is marked in flight until `complete` or `abandon`. */
  begin(partition: string, key: string, fingerprint: string, now: number): Lookup {
    const id = partition + '\u0000' + key;
    const entry = this.entries.get(id);
    if (entry && now - entry.createdAt < TTL_SECONDS) {
      if (entry.fingerprint !== fingerprint) return { kind: 'mismatch' };
      if (entry.state === 'in_flight') return { kind: 'in_flight' };
      return { kind: 'replay', response: entry.response };
    }
    this.entries.set(id, { state: 'in_flight', fingerprint, createdAt: now });
    return { kind: 'new' };
  }

  complete(partition: string, key: string, response: StoredResponse): void {
    const id = partition + '\u0000' + key;
    const entry = this.entries.get(id);
    if (entry) this.entries.set(id, { state: 'done', fingerprint: entry.fingerprint, createdAt: entry.createdAt, response });
  }

  /** The request never executed (validation error, injected fault...): nothing is remembered. */
  abandon(partition: string, key: string): void {
    this.entries.delete(partition + '\u0000' + key);
  }

  clear(): void {
    this.entries.clear();
  }
}

/** Same endpoint + same parameters (order-insensitive) = same fingerprint. */
export function fingerprint(method: string, path: string, params: unknown): string {
  return createHash('sha256').update(`${method} ${path} ${canonicalJson(params)}`).digest('base64url');
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return '[' + v.map(canonicalJson).join(',') + ']';
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return '{' + Object.keys(o).sort().map((k) => JSON.stringify(k) + ':' + canonicalJson(o[k])).join(',') + '}';
  }
  return JSON.stringify(v) ?? 'null';
}
