import type { JobFailure } from '../../kernel/plug-in.js'
import type { OperationContext, Services } from '../../kernel/context.js'
import { withTenant, withWorkerRole } from '../../db/tenant.js'
import type { Queryable } from '../../db/types.js'
import { log } from '../../kernel/log.js'
import { contextOf } from '../../kernel/operations-context.js'
import { addDays, localDate } from '../../vocabulary/time.js'
import { insertInvoice, resolveLines } from '../invoices/model.js'
import { issueInvoice } from '../invoices/send-actions.js'
import { loadTenantSettings, type TenantSettings } from '../settings/model.js'
import { waysToPay } from '../settings/ways-to-pay.js'
import { auditFields, linesToPrice, nextPeriodStart, periodWords, ROW_COLUMNS, type RecurringRow, withPeriod } from './model.js'

/** What one pass did: invoices made, how many of them were emailed, and the businesses or recurring invoices that failed. */
export interface IssuePass {
  issued: number
  emailed: number
  failures: JobFailure[]
}

/** The job's name, in a pass's failures. */
const JOB = 'recurring-invoices'

/**
 * Makes the invoice of every period due: for each active recurring invoice whose next period has begun (the business's
 * date, in its time zone), one invoice per period, missed periods caught up one each, until the next period lies ahead
 * or reaches ends_on (then it ends). Each invoice is made by the invoices domain's own path (numbered, totals by the tax
 * rule, audited), issued on its period's first day, due due_days later, marked for autopay and emailed as invoice.send
 * does; when the business's invoices carry no way to pay it stays a draft for the owner to send. A period is invoiced at
 * most once: its row is locked (a second worker skips it) and the database holds one invoice per period. Each business
 * runs in its own transaction as the system; a recurring invoice that fails is left for the next pass, the others go on.
 */
export async function issueDueRecurringInvoices(services: Services): Promise<IssuePass> {
  const now = services.now()
  // The furthest-ahead time zone's date: each business then reads its own.
  const through = addDays(now.toISOString().slice(0, 10), 1)
  const tenants = await withWorkerRole(services.db, (tx) =>
    tx.query<{ tenant_id: string }>('select tenant_id from tenants_with_money_due($1::date)', [through]),
  )
  const pass: IssuePass = { issued: 0, emailed: 0, failures: [] }
  for (const { tenant_id: tenantId } of tenants.rows) {
    const requestId = `recurring-invoices-${now.toISOString()}`
    const later: Array<() => Promise<void>> = []
    try {
      const done = await withTenant(services.db, { tenantId, actorType: 'system', requestId }, async (tx) => {
        const ctx = contextOf(services, { tenantId, actor: { type: 'system', id: null } }, tx, requestId, null, (fn) => later.push(fn))
        return issueBusiness(ctx, tx)
      })
      pass.issued += done.issued
      pass.emailed += done.emailed
      pass.failures.push(...done.failures)
    } catch (err) {
      // Nothing of this business was kept: the next pass tries it again.
      const error = err instanceof Error ? err.message : String(err)
      log('error', 'issuing recurring invoices failed for one business', { tenant_id: tenantId, error })
      pass.failures.push({ tenant_id: tenantId, job: JOB, error })
      continue
    }
    for (const fn of later) {
      await fn().catch((err) => log('error', 'a step after issuing recurring invoices failed', { tenant_id: tenantId, error: String(err) }))
    }
  }
  return pass
}

/** One business's recurring invoices due today. */
async function issueBusiness(ctx: OperationContext, tx: Queryable): Promise<IssuePass> {
  const settings = await loadTenantSettings(tx)
  const today = localDate(ctx.services.now(), settings.timezone)
  const done: IssuePass = { issued: 0, emailed: 0, failures: [] }
  const due = await tx.query<RecurringRow>(
    `select ${ROW_COLUMNS} from recurring_invoices r where r.status = 'active' and r.next_issue_on <= $1
      order by r.next_issue_on, r.id for update of r skip locked`,
    [today],
  )
  const email = (() => {
    const ways = waysToPay(ctx.services, settings)
    return ways.online || ways.instructions
  })()
  for (const row of due.rows) {
    await tx.query('savepoint recurring_invoice')
    try {
      const made = await issueRow(ctx, settings, row, today, email)
      await tx.query('release savepoint recurring_invoice')
      done.issued += made.issued
      done.emailed += made.emailed
    } catch (err) {
      await tx.query('rollback to savepoint recurring_invoice')
      const error = err instanceof Error ? err.message : String(err)
      log('error', 'issuing one recurring invoice failed', { tenant_id: ctx.tenantId, recurring_invoice_id: row.id, error })
      done.failures.push({ tenant_id: ctx.tenantId, job: JOB, error: `recurring invoice ${row.id}: ${error}` })
    }
  }
  return done
}

/** The invoices of one recurring invoice's periods due, and its next period (or its end). */
async function issueRow(ctx: OperationContext, settings: TenantSettings, row: RecurringRow, today: string, email: boolean) {
  const made = { issued: 0, emailed: 0 }
  let period = row.next_issue_on
  while (period <= today && !(row.ends_on && period >= row.ends_on)) {
    // The database allows one invoice per period: one found (made by hand into this period) is not made again.
    const had = await ctx.db.query('select 1 from invoices where recurring_invoice_id = $1 and period_start = $2', [row.id, period])
    if (!had.rows[0]) {
      const invoiceId = await issuePeriod(ctx, settings, row, period)
      made.issued += 1
      if (email) {
        await issueInvoice(ctx, { invoice_id: invoiceId }, { email: true })
        made.emailed += 1
      }
    }
    period = nextPeriodStart(row.starts_on, row.cycle, period)
  }
  const ended = Boolean(row.ends_on && period >= row.ends_on)
  const after = { ...row, next_issue_on: period, status: ended ? ('ended' as const) : row.status }
  await ctx.db.query('update recurring_invoices set next_issue_on = $2, status = $3 where id = $1', [row.id, period, after.status])
  if (ended) {
    await ctx.audit({
      entityType: 'recurring_invoice',
      entityId: row.id,
      action: 'end',
      before: auditFields({ ...row, next_issue_on: period }),
      after: { ...auditFields(after), why: `no period starts before its end, ${row.ends_on}` },
    })
  }
  return made
}

/** Makes the invoice of one period, marked for autopay, as a draft; returns its id. */
async function issuePeriod(ctx: OperationContext, settings: TenantSettings, row: RecurringRow, period: string): Promise<string> {
  const words = periodWords(row.starts_on, row.cycle, period)
  const lines = (await resolveLines(ctx.db, await linesToPrice(ctx.db, row.line_items), settings.default_tax_rate_bp, 'line_items')).map(
    (line) => ({ ...line, description: withPeriod(line.description, words) }),
  )
  const invoice = await insertInvoice(
    ctx,
    { ...settings, currency: row.currency },
    {
      contact_id: row.contact_id,
      ticket_id: null,
      issued_on: period,
      due_on: addDays(period, row.due_days),
      notes: row.notes ?? undefined,
    },
    lines,
  )
  const id = String(invoice.id)
  await ctx.db.query('update invoices set recurring_invoice_id = $2, period_start = $3, autopay = true where id = $1', [id, row.id, period])
  await ctx.audit({
    entityType: 'recurring_invoice',
    entityId: row.id,
    action: 'issue',
    before: { next_issue_on: period },
    after: {
      next_issue_on: nextPeriodStart(row.starts_on, row.cycle, period),
      invoice_id: id,
      number: invoice.number,
      period_start: period,
      autopay: true,
    },
  })
  return id
}
