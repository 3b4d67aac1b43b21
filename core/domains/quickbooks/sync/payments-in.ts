import { withTenant } from '../../../db/tenant.js'
import { contextOf } from '../../../kernel/operations-context.js'
import { applyPayment, loadInvoice, todayOf } from '../../invoices/model.js'
import { loadTenantSettings } from '../../settings/model.js'
import { centsOf, type SyncRun } from './sync-run.js'

/** QuickBooks keeps changes for 30 days; a sync that has been off longer starts from there. */
const CHANGES_KEPT_MS = 29 * 24 * 3600_000

/** Changes are read again from a little before the last read, so one made while it ran is not missed (each applies once). */
const OVERLAP_MS = 2 * 60_000

/**
 * Records here every payment the bookkeeper recorded in QuickBooks on an invoice that came from here, read with change
 * data capture since the last read. Each QuickBooks payment line applies once (its id is the payment's external id),
 * so reading the same changes twice records nothing new; payments sent from here are recognised and skipped.
 */
export async function pullPayments(run: SyncRun, startedAt: Date): Promise<void> {
  const floor = startedAt.getTime() - CHANGES_KEPT_MS
  const since = new Date(Math.max(floor, (run.connection.changes_since ?? run.connection.connected_at).getTime()))
  const changes = await run.company.changedSince(['Payment'], since)
  for (const payment of changes.Payment ?? []) {
    if (payment.status === 'Deleted') {
      run.report.payments_in.skipped++
      continue
    }
    for (const line of payment.Line ?? []) {
      for (const linked of line.LinkedTxn ?? []) {
        if (linked.TxnType !== 'Invoice') continue
        const recorded = await recordPayment(run, String(payment.Id), String(linked.TxnId), centsOf(line.Amount), payment.TxnDate)
        if (recorded) run.report.payments_in.recorded++
        else run.report.payments_in.skipped++
      }
    }
  }
  const next = new Date(startedAt.getTime() - OVERLAP_MS)
  await run.inBusiness((tx) => tx.query('update quickbooks_connections set changes_since = $1', [next]))
  run.connection.changes_since = next
}

/** One payment line on one of our invoices, as a payment here; false when it is ours, already here, or not for us. */
async function recordPayment(run: SyncRun, paymentId: string, invoiceRemoteId: string, cents: number, txnDate: string | undefined) {
  if (cents <= 0) return false
  const requestId = `quickbooks-payment-${paymentId}`
  return withTenant(run.services.db, { tenantId: run.tenantId, actorType: 'system', requestId }, async (tx) => {
    const known = await tx.query(
      `select 1 from quickbooks_records where kind = 'payment' and realm_id = $1 and (remote_id = $2 or remote_id = $3)`,
      [run.realmId, paymentId, `${paymentId}:${invoiceRemoteId}`],
    )
    if (known.rows.length) return false
    const invoice = await tx.query<{ record_id: string }>(
      `select record_id from quickbooks_records where kind = 'invoice' and realm_id = $1 and remote_id = $2`,
      [run.realmId, invoiceRemoteId],
    )
    if (!invoice.rows[0]) return false
    const ctx = contextOf(run.services, { tenantId: run.tenantId, actor: { type: 'system', id: null } }, tx, requestId, null, () => {})
    const today = todayOf(ctx, await loadTenantSettings(tx))
    const before = await loadInvoice(tx, invoice.rows[0].record_id, today, true)
    if (before.status === 'void') return false
    const done = await applyPayment(
      ctx,
      before,
      {
        amount_cents: cents,
        method: 'quickbooks',
        reference: `QuickBooks payment ${paymentId}`,
        received_at: txnDate ? `${txnDate}T12:00:00Z` : run.services.now().toISOString(),
        external_event_id: `quickbooks:${paymentId}:${invoiceRemoteId}`,
      },
      today,
    )
    await tx.query(
      `insert into quickbooks_records (tenant_id, kind, record_id, realm_id, remote_id, state, from_quickbooks)
       values ($1, 'payment', $2, $3, $4, 'synced', true)`,
      [run.tenantId, done.payment.id, run.realmId, `${paymentId}:${invoiceRemoteId}`],
    )
    return true
  })
}
