/**
 * A key's recognisable forms, and a search for them: what the masking and leak-audit tests look for
 * in every output. `plantedHitIsFound` lets a test prove the search itself can find a leak.
 */

/** Every form a key can take on the way out: raw, base64 with and without Basic's `:`, URL-encoded, URL-safe. */
export function keyForms(key: string): string[] {
  const forms = new Set<string>([key]);
  for (const plain of [key, `${key}:`]) {
    const b64 = Buffer.from(plain).toString('base64');
    const b64NoPad = b64.replace(/=+$/, '');
    const urlSafe = b64NoPad.replace(/\+/g, '-').replace(/\//g, '_');
    for (const form of [b64, b64NoPad, urlSafe, `Basic ${b64}`, encodeURIComponent(b64), encodeURIComponent(`Basic ${b64}`)]) forms.add(form);
  }
  forms.add(encodeURIComponent(key));
  forms.add(`Bearer ${key}`);
  // Long enough a part of the key that a partial echo counts too (Stripe itself shows only the last 4).
  forms.add(key.slice(0, -4));
  return [...forms];
}

export interface Hit {
  where: string;
  form: string;
}

/** Each place (a name and its text) that holds any of the forms. */
export function findLeaks(places: Iterable<[string, string]>, forms: readonly string[]): Hit[] {
  const hits: Hit[] = [];
  for (const [where, text] of places) {
    for (const form of forms) if (text.includes(form)) hits.push({ where, form });
  }
  return hits;
}
