/** The derived idempotency keys' window and identity rules (pure logic; the MCP test shows them over stdio). */
import { DerivedKeys, canonicalJson } from '../connector/mcp/derived-keys';

describe('DerivedKeys', () => {
  let now = 1_767_225_600_000;
  const keys = () => new DerivedKeys({ windowMs: 10 * 60_000, now: () => now });

  it('gives an identical call the first call\'s key within the window, and a new key after it', () => {
    const derived = keys();
    const first = derived.keyFor('c1', 'create_customer', { email: 'a@b.co', metadata: { x: '1', y: '2' } });
    now += 9 * 60_000;
    const again = derived.keyFor('c1', 'create_customer', { metadata: { y: '2', x: '1' }, email: 'a@b.co' });
    expect(again).toEqual({ key: first.key, repeated: true, firstAt: first.firstAt });
    now += 60_000; // 10 minutes after the first call: the window has closed.
    const later = derived.keyFor('c1', 'create_customer', { email: 'a@b.co', metadata: { x: '1', y: '2' } });
    expect(later.repeated).toBe(false);
    expect(later.key).not.toBe(first.key);
    expect(first.key).toMatch(/^mcp-create_customer-[0-9a-f]{24}-[0-9a-z]+$/);
  });

  it('keeps different arguments, tools and connections apart', () => {
    const derived = keys();
    const base = derived.keyFor('c1', 'create_customer', { email: 'a@b.co' }).key;
    const others = [
      derived.keyFor('c1', 'create_customer', { email: 'a@b.co', name: 'A' }),
      derived.keyFor('c1', 'create_customer', { email: 'A@b.co' }),
      derived.keyFor('c1', 'create_product', { email: 'a@b.co' }),
      derived.keyFor('c2', 'create_customer', { email: 'a@b.co' }),
    ];
    expect(others.every((other) => !other.repeated && other.key !== base)).toBe(true);
  });

  it('forgets a key on request, so the next identical call is sent fresh', () => {
    const derived = keys();
    const first = derived.keyFor('c1', 'create_payment_intent', { amount: 100 });
    derived.forget(first.key);
    expect(derived.keyFor('c1', 'create_payment_intent', { amount: 100 }).repeated).toBe(false);
  });

  it('canonical JSON sorts keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: [2, 1], a: { d: 1, c: null }, e: undefined })).toBe('{"a":{"c":null,"d":1},"b":[2,1]}');
  });
});
