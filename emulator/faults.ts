import type { Fault, FaultMatch } from './types';

interface QueuedFault {
  fault: Fault;
  remaining: number;
}

/**
 * Injected faults, in the order they were queued. Each API request consumes at most one: the
 * first queued fault whose match fits it. A fault is spent after `count` requests (default 1).
 */
export class FaultQueue {
  private queue: QueuedFault[] = [];

  inject(fault: Fault): void {
    checkFault(fault);
    this.queue.push({ fault, remaining: fault.count ?? 1 });
  }

  clear(): void {
    this.queue = [];
  }

  get size(): number {
    return this.queue.length;
  }

  take(method: string, path: string): Fault | undefined {
    const i = this.queue.findIndex((q) => matches(q.fault.match, method, path));
    if (i < 0) return undefined;
    const queued = this.queue[i]!;
    if (--queued.remaining <= 0) this.queue.splice(i, 1);
    return queued.fault;
  }
}

function matches(match: FaultMatch | undefined, method: string, path: string): boolean {
  if (!match) return true;
  if (match.method && match.method.toUpperCase() !== method) return false;
  if (match.path) {
    if (match.path.endsWith('*')) return path.startsWith(match.path.slice(0, -1));
    return path === match.path;
  }
  return true;
}

/** Rejects malformed faults early (they also arrive as JSON over the control API). */
export function checkFault(fault: Fault): void {
  const f = fault as Partial<Record<string, unknown>> & { kind?: unknown };
  if (f.count !== undefined && (!Number.isInteger(f.count) || (f.count as number) < 1)) throw new TypeError('fault.count must be a positive integer');
  switch (f.kind) {
    case 'status':
      if (!Number.isInteger(f.status) || (f.status as number) < 400 || (f.status as number) > 599) throw new TypeError('status fault needs an integer status 400-599');
      if (f.retryAfter !== undefined && !(typeof f.retryAfter === 'number' && f.retryAfter >= 0)) throw new TypeError('retryAfter must be a number of seconds');
      return;
    case 'drop':
      if (f.when !== 'before' && f.when !== 'after') throw new TypeError("drop fault needs when: 'before' | 'after'");
      return;
    case 'latency':
      if (!(typeof f.ms === 'number' && f.ms >= 0)) throw new TypeError('latency fault needs ms >= 0');
      return;
    default:
      throw new TypeError(`unknown fault kind: ${String(f.kind)}`);
  }
}
