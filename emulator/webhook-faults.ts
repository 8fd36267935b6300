/**
 * The webhook delivery fault switches (types.ts WebhookFaults) and the seeded random sequence they
 * draw from. Every delivery draws the same number of values in the same order whichever switches are
 * on, so turning one switch on does not change which deliveries another one picks.
 */
import type { WebhookFaults } from './types';

/** mulberry32: small, fast, and good enough to pick faults reproducibly. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** In [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

export interface DeliveryDraw {
  drop: boolean;
  duplicate: boolean;
  badSignature: boolean;
  delayMs: number;
}

export const DEFAULT_REORDER_HOLD_MS = 250;

/** The switches in force and their random sequence. */
export class WebhookFaultPlan {
  readonly faults: WebhookFaults;
  private readonly random: SeededRandom;

  constructor(faults: WebhookFaults = {}) {
    this.faults = checkWebhookFaults(faults);
    this.random = new SeededRandom(faults.seed ?? 1);
  }

  get reorder(): { window: number; maxHoldMs: number } | undefined {
    const r = this.faults.reorder;
    return r && { window: r.window, maxHoldMs: r.maxHoldMs ?? DEFAULT_REORDER_HOLD_MS };
  }

  /** For a delivery of an event to an endpoint. */
  draw(): DeliveryDraw {
    const drop = this.random.next() < (this.faults.dropRate ?? 0);
    const duplicate = this.random.next() < (this.faults.duplicateRate ?? 0);
    return { drop, duplicate, ...this.drawSending() };
  }

  /** For the extra delivery the duplicate fault makes: it is never dropped or duplicated again. */
  drawSending(): { badSignature: boolean; delayMs: number } {
    const badSignature = this.random.next() < (this.faults.badSignatureRate ?? 0);
    return { badSignature, delayMs: this.delay(this.random.next()) };
  }

  /** Fisher-Yates, in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.random.next() * (i + 1));
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }

  private delay(r: number): number {
    const d = this.faults.delayMs;
    if (d === undefined) return 0;
    if (typeof d === 'number') return d;
    return d.min + Math.floor(r * (d.max - d.min + 1));
  }
}

const KNOWN = new Set(['seed', 'dropRate', 'duplicateRate', 'badSignatureRate', 'delayMs', 'reorder']);

/** Rejects malformed switches early (they also arrive as JSON over the control API). */
export function checkWebhookFaults(faults: WebhookFaults): WebhookFaults {
  if (!faults || typeof faults !== 'object' || Array.isArray(faults)) throw new TypeError('webhook faults must be an object');
  for (const key of Object.keys(faults)) if (!KNOWN.has(key)) throw new TypeError(`unknown webhook fault: ${key}`);
  const f = faults as Record<string, any>;
  if (f.seed !== undefined && !Number.isSafeInteger(f.seed)) throw new TypeError('webhook faults: seed must be an integer');
  for (const rate of ['dropRate', 'duplicateRate', 'badSignatureRate']) {
    if (f[rate] !== undefined && !(typeof f[rate] === 'number' && f[rate] >= 0 && f[rate] <= 1)) {
      throw new TypeError(`webhook faults: ${rate} must be a number from 0 to 1`);
    }
  }
  const d = f.delayMs;
  if (d !== undefined) {
    const fixed = typeof d === 'number' && d >= 0;
    const range = d && typeof d === 'object' && isWholeMs(d.min) && isWholeMs(d.max) && d.min <= d.max;
    if (!fixed && !range) throw new TypeError('webhook faults: delayMs must be ms >= 0 or {min, max} with 0 <= min <= max');
  }
  const r = f.reorder;
  if (r !== undefined) {
    if (!r || typeof r !== 'object' || !Number.isInteger(r.window) || r.window < 2) throw new TypeError('webhook faults: reorder needs {window: integer >= 2}');
    if (r.maxHoldMs !== undefined && !isWholeMs(r.maxHoldMs)) throw new TypeError('webhook faults: reorder.maxHoldMs must be ms >= 0');
  }
  return structuredClone(faults);
}

function isWholeMs(n: unknown): n is number {
  return Number.isInteger(n) && (n as number) >= 0;
}
