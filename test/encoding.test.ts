import { encodeStripeForm } from '../client/encoding';

describe('Stripe form encoding', () => {
  it('encodes nested objects with brackets and arrays with indices', () => {
    const encoded = encodeStripeForm({
      email: 'a@b.co',
      metadata: { plan: 'pro', seats: '5' },
      address: { line1: '1 Main St', country: 'US' },
      expand: ['customer', 'data.customer'],
      items: [{ price: 'price_1', quantity: 2 }, { price: 'price_2' }],
    });
    expect(encoded.split('&')).toEqual([
      'email=a%40b.co',
      'metadata[plan]=pro',
      'metadata[seats]=5',
      'address[line1]=1%20Main%20St',
      'address[country]=US',
      'expand[0]=customer',
      'expand[1]=data.customer',
      'items[0][price]=price_1',
      'items[0][quantity]=2',
      'items[1][price]=price_2',
    ]);
  });

  it('sends null as an empty value (unset), drops undefined, writes booleans as words', () => {
    expect(encodeStripeForm({ description: null, name: undefined, capture: false, livemode: true })).toBe(
      'description=&capture=false&livemode=true',
    );
  });

  it('percent-encodes reserved characters in keys and values so they cannot split parameters', () => {
    const encoded = encodeStripeForm({ metadata: { 'a&b=c': 'x&y=z+1 ü' } });
    expect(encoded).toBe('metadata[a%26b%3Dc]=x%26y%3Dz%2B1%20%C3%BC');
    expect(new URLSearchParams(encoded).get('metadata[a&b=c]')).toBe('x&y=z+1 ü');
  });

  it('clears all metadata with an empty value', () => {
    expect(encodeStripeForm({ metadata: null })).toBe('metadata=');
    expect(encodeStripeForm({ metadata: '' })).toBe('metadata=');
  });

  it('encodes nothing for no params', () => {
    expect(encodeStripeForm(undefined)).toBe('');
    expect(encodeStripeForm({})).toBe('');
  });
});
