import { claimWrite, markFailed, markSynced } from '../records.js'
import { amountOf, eachLimited, refusedRecord, SIDE_BY_SIDE, type SyncRun } from './sync-run.js'

/** A payment recorded here (Stripe or by hand) whose invoice QuickBooks holds. */
interface PendingPayment {
  id: string
  amount_cents: number
  received_on: string
  reference: string | null
  method: string
  invoice_remote_id: string
  customer_remote_id: string
}

/**
 * Applies in QuickBooks every payment recorded here on an invoice QuickBooks holds, once: payments read from QuickBooks
 * are never sent back, and one QuickBooks refused waits for the owner's retry.
 */
export async function pushPayments(run: SyncRun): Promise<void> {
  for (;;) {
    const batch = (
      await run.inBusiness((tx) =>
        tx.query<PendingPayment>(
          `select p.id, p.amount_cents, (p.received_at at time zone t.timezone)::date::text as received_on, p.reference, p.method,
             ir.remote_id as invoice_remote_id, cr.remote_id as customer_remote_id
           from payments p
           join invoices i on i.id = p.invoice_id
           join tenants t on t.id = p.tenant_id
           join quickbooks_records ir on ir.kind = 'invoice' and ir.record_id = i.id and ir.remote_id is not null and ir.realm_id = $1
           join quickbooks_records cr on cr.kind = 'customer' and cr.record_id = i.contact_id and cr.remote_id is not null
           left join quickbooks_records pr on pr.kind = 'payment' and pr.record_id = p.id
           where p.method <> 'quickbooks' and (pr.record_id is null or pr.state = 'pending')
           order by p.received_at, p.id limit 100`,
          [run.realmId],
        ),
      )
    ).rows
    if (!batch.length) return
    await eachLimited(batch, SIDE_BY_SIDE, (payment) => pushPayment(run, payment))
    await run.renewLease()
  }
}

async function pushPayment(run: SyncRun, payment: PendingPayment): Promise<void> {
  const row = await run.inBusiness((tx) => claimWrite(tx, run.tenantId, 'payment', payment.id, run.realmId))
  try {
    const created = await run.company.create(
      'Payment',
      {
        CustomerRef: { value: payment.customer_remote_id },
        TotalAmt: amountOf(payment.amount_cents),
        TxnDate: payment.received_on,
        ...(payment.reference ? { PaymentRefNum: payment.reference.slice(0, 21) } : {}),
        PrivateNote: `Recorded in Service CRM (${payment.method})`,
        Line: [{ Amount: amountOf(payment.amount_cents), LinkedTxn: [{ TxnId: payment.invoice_remote_id, TxnType: 'Invoice' }] }],
      },
      row.request_id,
    )
    await run.inBusiness((tx) =>
      markSynced(tx, 'payment', payment.id, { remote_id: String(created.Id), sync_token: String(created.SyncToken) }),
    )
    run.report.payments_out.created++
  } catch (err) {
    if (!refusedRecord(err)) throw err
    await run.inBusiness((tx) => markFailed(tx, 'payment', payment.id, err.message))
    run.report.payments_out.failed++
  }
}
