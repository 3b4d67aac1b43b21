import type { Caller } from '../../kernel/call-action.js'
import { callQuery } from '../../kernel/call-query.js'
import { atMostEvery, type Capability } from '../../kernel/plug-in.js'
import { issueDueRecurringInvoices } from './issue.js'
import { recurringInvoicesQuery } from './queries.js'

/** How often a worker looks for periods due: each is due for a whole day, so every ten minutes is on time. */
const EVERY_MS = 10 * 60 * 1000

/** The invoices a recurring invoice made that are still drafts (made while invoices carried no way to pay), in one briefing line. */
async function unsentLine(caller: Caller): Promise<string | null> {
  const all = (await callQuery(caller, recurringInvoicesQuery, { limit: 100 })).items
  const drafts = all.flatMap((r) => r.invoices.filter((i) => i.status === 'draft').map((i) => `${i.number} (${r.contact_name})`))
  if (!drafts.length) return null
  const more = drafts.length > 5 ? `; and ${drafts.length - 5} more` : ''
  return (
    `Recurring invoices made but not sent, since invoice emails carried no way to pay: ${drafts.slice(0, 5).join('; ')}${more} ` +
    '(set payment_instructions with settings.update, then invoice.send each)'
  )
}

/** What recurring invoices plug in: the worker's issuing of periods due, the briefing line, the owner's page in the search. */
export const recurringInvoicesCapability: Capability = {
  name: 'recurring-invoices',
  jobs: [
    { name: 'recurring-invoices', failure: 'issuing recurring invoices failed', pass: atMostEvery(EVERY_MS, issueDueRecurringInvoices) },
  ],
  briefing: unsentLine,
  places: [
    {
      title: 'Recurring invoices',
      path: '/recurring-invoices',
      about: 'Invoices that issue themselves every month, quarter or year, and the invoices each issued',
      words: ['recurring invoices', 'contracts', 'monthly billing', 'retainer', 'subscription', 'repeat invoice', 'standing invoice'],
      roles: ['owner'],
    },
  ],
}
