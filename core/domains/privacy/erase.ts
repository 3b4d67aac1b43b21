import { z } from 'zod'
import { personIdOf } from '../../kernel/context.js'
import type { Queryable } from '../../db/types.js'
import { AppError } from '../../kernel/errors.js'
import { timestamp } from '../../kernel/output-types.js'
import { defineAction } from '../../kernel/registry.js'
import { lockContact } from '../contacts/model.js'
import { customer } from '../../vocabulary/places.js'
import { owedInvoiceNumbers } from '../invoices/model.js'
import { upcomingVisitNumbers } from '../tickets/model.js'

/** What an erasure did: which customer, when, and how many rows of each table changed (never the values). */
export const ERASURE_RECORD = z.object({
  contact_id: z.uuid(),
  erasure_id: z.uuid(),
  erased_at: timestamp,
  rows_changed: z.record(z.string(), z.number().int()),
})

/** Erases a customer's personal data everywhere it is held, on their request; the books keep amounts and numbers. */
export const eraseCustomer = defineAction({
  key: 'contact.erase',
  title: 'Erase a customer on their request',
  place: customer('Erase this customer'),
  description:
    'Erase a customer on their request (contact_id): names, emails, phones, addresses, company fields, custom field values, ' +
    'preferences, tags, notes, facts, calls, email texts and recipient, visit notes, opportunity, quote and order texts, segment memberships, ' +
    'documents with every version and their files, leads that became them, merged contacts, and every personal value in the audit trail are ' +
    'removed or replaced; invoice, quote and order amounts and numbers stay for the books. Visits still to come are cancelled and pending emails stopped; ' +
    'every link the customer got by email (appointment and quote answers, invoice payment) stops working. ' +
    'With an unpaid invoice or a visit still to come the call is refused (CONFLICT) unless confirm is true. Cannot be undone. ' +
    'The contact stays as "Erased customer". Erasing twice changes nothing. Owner only.',
  access: { agent: 'never', technician: 'none' },
  destructive: true,
  idempotent: true,
  phrases: ['erase customer', 'forget customer', 'right to be forgotten', 'gdpr', 'delete personal data', 'privacy'],
  input: z.strictObject({
    contact_id: z.uuid(),
    confirm: z.boolean().default(false).describe('true: erase even with an unpaid invoice or a visit still to come'),
  }),
  output: ERASURE_RECORD,
  async run(ctx, input) {
    const done = await erasureOf(ctx.db, input.contact_id)
    if (done) return done
    const contact = await lockContact(ctx.db, input.contact_id)
    const open = await openBusiness(ctx.db, input.contact_id, ctx.services.now())
    if ((open.unpaid_invoices.length || open.upcoming_visits.length) && !input.confirm) {
      const parts = [
        open.unpaid_invoices.length
          ? `${open.unpaid_invoices.length} unpaid invoice(s) (${open.unpaid_invoices.join(', ')}), whose amounts stay for the books`
          : '',
        open.upcoming_visits.length
          ? `${open.upcoming_visits.length} visit(s) still to come (#${open.upcoming_visits.join(', #')}), which will be cancelled`
          : '',
      ].filter(Boolean)
      throw new AppError(
        'CONFLICT',
        `${String(contact.display_name)} has ${parts.join(' and ')}. Nothing was erased; ` +
          'to erase anyway, the owner confirms: call again with confirm=true',
        { field: 'data.confirm', ...open },
      )
    }
    const erasure = await ctx.db.query<{ id: string }>(
      'insert into erasures (tenant_id, contact_id, erased_by) values ($1, $2, $3) returning id',
      [ctx.tenantId, input.contact_id, personIdOf(ctx.actor)],
    )
    const erasureId = erasure.rows[0].id
    const result = await ctx.db.query<{ rows: { document_hashes: string[] } & Record<string, number | string[]> }>(
      'select erase_customer($1, $2) as rows',
      [erasureId, ctx.services.now()],
    )
    const { document_hashes: hashes, ...changed } = result.rows[0].rows
    const rows = Object.fromEntries(Object.entries(changed).filter((e): e is [string, number] => typeof e[1] === 'number' && e[1] > 0))
    await ctx.db.query('update erasures set rows_changed = $2 where id = $1', [erasureId, JSON.stringify(rows)])
    await ctx.audit({
      entityType: 'contact',
      entityId: input.contact_id,
      action: 'erase',
      before: null,
      after: { erasure_id: erasureId, rows_changed: rows },
    })
    // Bytes in the database go with the transaction; a store outside it cannot take bytes back, so those go once it committed.
    const store = ctx.services.documents
    const removeAll = (db: Queryable) => async () => {
      for (const sha256 of hashes) await store.remove(db, ctx.tenantId, sha256)
    }
    if (store.kind === 'database') await removeAll(ctx.db)()
    else ctx.afterCommit(removeAll(ctx.db))
    return { contact_id: input.contact_id, erasure_id: erasureId, erased_at: ctx.services.now().toISOString(), rows_changed: rows }
  },
})

/** The erasure of a customer already erased, or null. */
async function erasureOf(db: Queryable, contactId: string): Promise<z.output<typeof ERASURE_RECORD> | null> {
  const r = await db.query<{ id: string; rows_changed: Record<string, number>; erased_at: Date }>(
    `select e.id, e.rows_changed, c.erased_at from erasures e join contacts c on c.tenant_id = e.tenant_id and c.id = e.contact_id
     where e.contact_id = $1`,
    [contactId],
  )
  const row = r.rows[0]
  return row
    ? { contact_id: contactId, erasure_id: row.id, erased_at: new Date(row.erased_at).toISOString(), rows_changed: row.rows_changed }
    : null
}

/** Invoices the customer still owes on (their numbers) and visits still to come (their numbers): what the owner must confirm. */
async function openBusiness(
  db: Queryable,
  contactId: string,
  now: Date,
): Promise<{ unpaid_invoices: string[]; upcoming_visits: number[] }> {
  // One after another: both read in the caller's transaction, which runs one statement at a time.
  const unpaid = await owedInvoiceNumbers(db, contactId)
  return { unpaid_invoices: unpaid, upcoming_visits: await upcomingVisitNumbers(db, contactId, now) }
}
