import type { ResourceDefinition } from '../../resource';
import { creditNotes } from '../credit_notes';
import { invoiceItems } from '../invoice_items';
import { invoiceLineItems } from '../invoice_lines';
import { invoices } from '../invoices';

/** This group's resources; adding one = a rule file plus a line here. */
export const resources: ResourceDefinition[] = [invoices, invoiceItems, invoiceLineItems, creditNotes];
