// The invoices domain's operations: the registry finds this folder and registers what this file exports.
import { defineDomain, step } from '../../kernel/domain-manifest.js'
import { contactHistoryPlug, countOf } from '../contacts/history.js'
import { issueAndEmailInvoice } from './close-steps.js'

export * from './actions.js'
export * from './customer-overview.js'
export * from './payment-queries.js'
export * from './queries.js'
export * from './receivables.js'
export * from './refund-action.js'
export * from './remind-action.js'
export * from './send-actions.js'

/** What this domain contributes besides its operations: core/domains/index.ts plugs it in. */
export const domain = defineDomain({
  uses: ['contacts', 'messages', 'services', 'settings', 'tickets'],
  tables: ['invoices', 'invoice_line_items', 'payments', 'pay_links', 'stripe_events', 'refunds'],
  area: 'Invoices',
  steps: [
    // ticket.close with send_invoice bills the visit and emails the invoice.
    step('ticket.close', 'invoices.issue-and-email-invoice', issueAndEmailInvoice),
  ],
  plugs: [
    // A customer's invoices are history that keeps them from being deleted.
    contactHistoryPlug('invoices', (tx, id) => countOf(tx, 'select count(*) as n from invoices where contact_id = $1', id)),
  ],
})
