// The invoices domain's operations: the registry finds this folder and registers what this file exports.
import type { Area } from '../../text/action-words.js'
import { countOf, registerContactHistory } from '../contacts/history.js'
import { registerStep } from '../../kernel/workflows.js'
import { issueAndEmailInvoice } from './close-steps.js'

// ticket.close with send_invoice bills the visit and emails the invoice.
registerStep('ticket.close', 'invoices.issue-and-email-invoice', issueAndEmailInvoice)

// A customer's invoices are history that keeps them from being deleted.
registerContactHistory('invoices', (tx, id) => countOf(tx, 'select count(*) as n from invoices where contact_id = $1', id))

export * from './actions.js'
export * from './customer-overview.js'
export * from './payment-queries.js'
export * from './queries.js'
export * from './receivables.js'
export * from './refund-action.js'
export * from './remind-action.js'
export * from './send-actions.js'
export * from './unapplied-payments.js'

/** The other domains (and shared files of core/domains) this one imports; test/architecture/domain-graph.test.ts holds it to the code. */
export const uses: readonly string[] = ['contacts', 'messages', 'services', 'settings', 'tickets']

/** The tables this domain owns; test/architecture/table-owners.test.ts holds every domain's SQL to its own and its uses' tables. */
export const tables: readonly string[] = ['invoices', 'invoice_line_items', 'payments', 'pay_links', 'stripe_events', 'refunds']

/** Where the permissions page puts this domain's actions, unless one says otherwise. */
export const area: Area = 'Invoices'
