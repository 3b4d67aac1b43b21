import { dayWords } from '../../text/date-words.js'
import { daysBetween } from '../../vocabulary/time.js'

/** Where an invoice stands against its due date on the day an email about it goes, in the words its emails use. */
export interface InvoiceDueWords {
  /** Follows the invoice's number: "is due March 18, 2026", "is due today, March 18, 2026", "is 12 days overdue (it was due March 3, 2026)". */
  invoice_due_status: string
  /** "12 days" or "1 day" past the due date; null when nothing is late (not yet due, or nothing left to pay). */
  days_overdue: string | null
}

/**
 * The due words of an invoice due on `dueOn` (YYYY-MM-DD) as read on `day` (the business's calendar day the email goes):
 * overdue only while money is still owed on it, as the overdue rule reads it (invoices/model.ts overdueSql).
 */
export function invoiceDueWords(dueOn: string, day: string, owed: boolean): InvoiceDueWords {
  const late = owed ? daysBetween(dueOn, day) : 0
  const due = dayWords(dueOn)
  if (late > 0) {
    const days = `${late} ${late === 1 ? 'day' : 'days'}`
    return { invoice_due_status: `is ${days} overdue (it was due ${due})`, days_overdue: days }
  }
  return { invoice_due_status: late === 0 && owed ? `is due today, ${due}` : `is due ${due}`, days_overdue: null }
}
