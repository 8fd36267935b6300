/**
 * Idempotency keys for agents that do not send one. An agent that times out, or loses the answer,
 * calls the same create again; with a fresh key each time Stripe would create a second customer or
 * charge. So an identical call (same connection, tool and arguments) within the window gets the key
 * of the first, and Stripe answers it with the first call's result.
 *
 * The keys live in this object's memory: a restarted server starts with none (Stripe's own record
 * of a key lasts 24 hours, but a new server derives a new key). Hosts keep one per process.
 */
import { createHash } from 'node:crypto';

export interface DerivedKeyOptions {
  /** How long an identical call reuses the first call's key. Default 10 minutes. */
  windowMs?: number;
  /** Clock (tests). Default Date.now. */
  now?: () => number;
}

export interface DerivedKey {
  key: string;
  /** An identical call was made earlier in the window: this one reuses its key. */
  repeated: boolean;
  /** When the first identical call was made (ms). */
  firstAt: number;
}

export const DEFAULT_IDEMPOTENCY_WINDOW_MS = 10 * 60_000;

/** JSON with object keys sorted at every level, so `{a, b}` and `{b, a}` are the same call. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export class DerivedKeys {
  private readonly windowMs: number;
  /** The clock the window is measured on. */
  readonly now: () => number;
  private readonly byCall = new Map<string, { key: string; firstAt: number }>();

  constructor(options: DerivedKeyOptions = {}) {
    this.windowMs = options.windowMs ?? DEFAULT_IDEMPOTENCY_WINDOW_MS;
    this.now = options.now ?? Date.now;
  }

  get windowMinutes(): number {
    return Math.round(this.windowMs / 60_000);
  }

  /**
   * The key for this call: the first identical call's within the window, else a new one. `scope`
   * names the connection (mode, account), so one instance can serve several without mixing them.
   */
  keyFor(scope: string, tool: string, args: Record<string, unknown>): DerivedKey {
    const now = this.now();
    this.prune(now);
    const fingerprint = createHash('sha256').update(canonicalJson([scope, tool, args])).digest('hex');
    const seen = this.byCall.get(fingerprint);
    if (seen) return { key: seen.key, repeated: true, firstAt: seen.firstAt };
    // The time in the key keeps it apart from the same call in an earlier window (Stripe keeps keys 24 h).
    const key = `mcp-${tool}-${fingerprint.slice(0, 24)}-${now.toString(36)}`;
    this.byCall.set(fingerprint, { key, firstAt: now });
    return { key, repeated: false, firstAt: now };
  }

  /**
   * Forgets a key whose call Stripe refused before doing anything (nothing was created). The agent
   * may fix the cause and call again; Stripe would otherwise replay the same refusal for 24 hours.
   */
  forget(key: string): void {
    for (const [fingerprint, entry] of this.byCall) if (entry.key === key) this.byCall.delete(fingerprint);
  }

  private prune(now: number): void {
    for (const [fingerprint, entry] of this.byCall) if (now - entry.firstAt >= this.windowMs) this.byCall.delete(fingerprint);
  }
}
