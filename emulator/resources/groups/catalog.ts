import type { ResourceDefinition } from '../../resource';
import { coupons } from '../coupons';
import { paymentLinkLineItems, paymentLinks } from '../payment_links';
import { prices } from '../prices';
import { products } from '../products';
import { promotionCodes } from '../promotion_codes';
import { taxRates } from '../tax_rates';

/** This group's resources; adding one = a rule file plus a line here. */
export const resources: ResourceDefinition[] = [products, prices, coupons, promotionCodes, paymentLinks, paymentLinkLineItems, taxRates];
