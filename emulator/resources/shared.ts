/** Param specs and object shapes that several resources share. */
import { invalidRequest } from '../errors';
import { p, type ParamSpecs } from '../params';

export const ADDRESS_FIELDS: ParamSpecs = {
  city: p.string({ maxLength: 5000 }),
  country: p.string({ maxLength: 5000 }),
  line1: p.string({ maxLength: 5000 }),
  line2: p.string({ maxLength: 5000 }),
  postal_code: p.string({ maxLength: 5000 }),
  state: p.string({ maxLength: 5000 }),
};

/** Stripe returns every address key, null when not given. */
export function normalizeAddress(address: Record<string, any> | null | undefined): Record<string, any> | null {
  if (!address) return null;
  return {
    city: address.city ?? null,
    country: address.country ?? null,
    line1: address.line1 ?? null,
    line2: address.line2 ?? null,
    postal_code: address.postal_code ?? null,
    state: address.state ?? null,
  };
}

export function normalizeShipping(shipping: Record<string, any> | null | undefined, withCarrier: boolean): Record<string, any> | null {
  if (!shipping) return null;
  const out: Record<string, any> = {
    address: normalizeAddress(shipping.address),
    name: shipping.name ?? null,
    phone: shipping.phone ?? null,
  };
  if (withCarrier) {
    out.carrier = shipping.carrier ?? null;
    out.tracking_number = shipping.tracking_number ?? null;
  }
  return out;
}

export const EMPTY_METADATA_ON_CREATE = (patch: Record<string, string | null> | null | undefined): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(patch ?? {})) if (v !== null) out[k] = v;
  return out;
};

/**
 * Parameters that name objects the emulator does not model yet (coupons, test clocks, payment
 * methods...): Stripe would look them up and fail with "No such ...", so the emulator does too
 * rather than silently accepting them.
 */
export function rejectUnmodelledReference(value: unknown, what: string, param: string): void {
  if (typeof value === 'string' && value !== '') {
    throw invalidRequest(`No such ${what}: '${value}'`, { code: 'resource_missing', param, status: 400 });
  }
}
