import { createHash } from 'node:crypto';
import type { RedisClient } from './redis';

/**
 * A Lua script sent by its SHA1 (EVALSHA), so the hot ones (a rate-limit token before every Stripe
 * request, a commit per page, a lock renewal) do not ship their source each time. The source goes
 * over the wire only when Redis lacks it: the first call, or after a restart or SCRIPT FLUSH.
 */
export class LuaScript {
  readonly sha: string;

  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /** Same arguments as EVAL: the number of keys, then the keys, then the arguments. */
  async run(redis: RedisClient, numKeys: number, ...keysAndArgs: string[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, numKeys, ...keysAndArgs);
    } catch (error) {
      if (!String((error as Error).message).startsWith('NOSCRIPT')) throw error;
      return redis.eval(this.source, numKeys, ...keysAndArgs);
    }
  }
}
