import type { EmulatorClock } from './types';

/**
 * The emulator's notion of "now" in unix seconds, used for `created` and for anything that
 * expires. Tests freeze it to create many objects in one second, or advance it to age objects.
 */
export class Clock implements EmulatorClock {
  /** Seconds added to the machine's time while running. */
  private offset = 0;
  /** Set while frozen. */
  private frozenAt: number | undefined;

  now(): number {
    return this.frozenAt ?? Math.floor(Date.now() / 1000) + this.offset;
  }

  set(unixSeconds: number): void {
    assertWholeSeconds(unixSeconds, 'set');
    this.frozenAt = unixSeconds;
  }

  advance(seconds: number): void {
    assertWholeSeconds(seconds, 'advance');
    if (this.frozenAt !== undefined) this.frozenAt += seconds;
    else this.offset += seconds;
  }

  useRealTime(): void {
    this.offset = 0;
    this.frozenAt = undefined;
  }
}

function assertWholeSeconds(n: number, what: string): void {
  if (!Number.isSafeInteger(n)) throw new TypeError(`clock.${what} takes whole seconds, got ${n}`);
}
