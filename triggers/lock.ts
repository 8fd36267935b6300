/**
 * One poll of a subscription at a time, whichever worker or machine runs it: a Redis lock
 * (`SET key token NX PX ttl`) renewed while the poll runs and released only by its owner (Lua compares
 * the token). A poll that cannot take the lock ends without doing anything. The token also fences the
 * cursor: the compare-and-set script refuses a writer whose token is no longer the lock's value.
 */
import { randomUUID } from 'node:crypto';
import type { RedisClient } from './redis';
import type { TriggerKeys } from './keys';
import { LuaScript } from './lua';

const RENEW = new LuaScript(`if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`);
const RELEASE = new LuaScript(`if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`);

export interface PollLockOptions {
  /** Lock expiry; renewed every third of it. Default 30 000 ms. */
  ttlMs?: number;
}

export class HeldLock {
  #timer: NodeJS.Timeout | undefined;
  #lost = false;
  #released = false;

  constructor(
    private readonly redis: RedisClient,
    readonly key: string,
    readonly token: string,
    private readonly ttlMs: number,
  ) {
    this.#timer = setInterval(() => void this.renew(), Math.max(50, Math.floor(ttlMs / 3)));
    this.#timer.unref();
  }

  /** True once a renewal found the lock taken by someone else (or expired). */
  get lost(): boolean {
    return this.#lost;
  }

  private async renew(): Promise<void> {
    try {
      const ok = Number(await RENEW.run(this.redis, 1, this.key, this.token, String(this.ttlMs)));
      if (ok !== 1) {
        this.#lost = true;
        this.stopRenewing();
      }
    } catch {
      // Redis unreachable for a moment: the next renewal tries again; the CAS fences anyway.
    }
  }

  private stopRenewing(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async release(): Promise<void> {
    this.stopRenewing();
    if (this.#released) return;
    this.#released = true;
    await RELEASE.run(this.redis, 1, this.key, this.token);
  }

  /** The lock was deleted by a script that checked the token (the poll's last write): nothing left to release. */
  releasedElsewhere(): void {
    this.stopRenewing();
    this.#released = true;
  }
}

export class PollLock {
  readonly ttlMs: number;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: TriggerKeys,
    options: PollLockOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 30_000;
  }

  /** The held lock, or null when another poll of this subscription is running. */
  async acquire(subscriptionId: string): Promise<HeldLock | null> {
    const key = this.keys.lock(subscriptionId);
    const token = randomUUID();
    const ok = await this.redis.set(key, token, 'PX', this.ttlMs, 'NX');
    return ok === 'OK' ? new HeldLock(this.redis, key, token, this.ttlMs) : null;
  }
}
