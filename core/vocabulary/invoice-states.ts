/* The states an invoice goes through and when it still asks for money, shared by every reader of invoices. */

/** The statuses of an invoice. */
export const INVOICE_STATUSES = ['draft', 'sent', 'paid', 'partially_paid', 'overdue', 'void'] as const

/** Money is owed on an invoice (alias i) that went out, is not settled, void or archived, and still asks for something. */
export const OWED_SQL = `i.status in ('sent', 'partially_paid', 'overdue') and i.amount_due_cents > 0 and i.archived_at is null`
