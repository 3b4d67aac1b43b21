import { claimWrite, markFailed, markSynced, renewRequestId, syncRecordsOf } from '../records.js'
import { pushCustomers } from './customers.js'
import { itemsFor } from './items.js'
import { amountOf, centsOf, eachLimited, quoted, refusedRecord, SIDE_BY_SIDE, type SyncRun } from './sync-run.js'

/** One line of an invoice as it goes to QuickBooks. */
interface Line {
  service_id: string | null
  description: string
  quantity: number
  unit_price_cents: number
  price_cents: number
  tax_cents: number
}

/** An invoice QuickBooks lacks or holds out of date, with its sync row when it has one. */
interface PendingInvoice {
  id: string
  number: string
  contact_id: string
  issued_on: string
  due_on: string
  tax_cents: number
  total_cents: number
  lines: Line[]
  fingerprint: string
  remote_id: string | null
  sync_token: string | null
}

/** Invoices read per batch. */
const BATCH = 100

/**
 * Invoices the customer was sent (or that were paid), not void, whose fingerprint of what QuickBooks holds (number,
 * customer, dates, lines, tax, total) differs from the one last sent or refused.
 */
const PENDING_INVOICES_SQL = `
  with i as (
    select i.id, i.number, i.contact_id, i.issued_on::text as issued_on, i.due_on::text as due_on, i.tax_cents, i.total_cents,
      (select coalesce(jsonb_agg(jsonb_build_object('service_id', l.service_id, 'description', l.description,
          'quantity', l.quantity, 'unit_price_cents', l.unit_price_cents, 'price_cents', l.price_cents, 'tax_cents', l.tax_cents)
          order by l.position, l.id), '[]'::jsonb)
       from invoice_line_items l where l.invoice_id = i.id) as lines
    from invoices i
    where i.status not in ('draft', 'void') and i.id > $1
  ), f as (
    select i.*, md5(concat_ws('|', i.number, i.contact_id, i.issued_on, i.due_on, i.tax_cents, i.total_cents, i.lines::text)) as fingerprint
    from i
  )
  select f.*, r.remote_id, r.sync_token from f
  left join quickbooks_records r on r.kind = 'invoice' and r.record_id = f.id
  where r.fingerprint is distinct from f.fingerprint
  order by f.id limit $2`

/** Sends every invoice QuickBooks lacks or holds out of date, its customer and items first. */
export async function pushInvoices(run: SyncRun): Promise<void> {
  let after = '00000000-0000-0000-0000-000000000000'
  for (;;) {
    const batch = (await run.inBusiness((tx) => tx.query<PendingInvoice>(PENDING_INVOICES_SQL, [after, BATCH]))).rows
    if (!batch.length) return
    after = batch[batch.length - 1].id
    const customers = await customersOf(run, batch)
    const items = await itemsFor(
      run,
      batch.flatMap((i) => i.lines.map((l) => l.service_id).filter((id): id is string => !!id)),
    )
    await eachLimited(batch, SIDE_BY_SIDE, (invoice) => pushInvoice(run, invoice, customers, items))
    await run.renewLease()
    if (batch.length < BATCH) return
  }
}

/** The QuickBooks customer of each invoice's contact, sent first when it is not there yet; failed ones are absent. */
async function customersOf(
  run: SyncRun,
  batch: PendingInvoice[],
): Promise<Map<string, { remote_id: string | null; error: string | null }>> {
  const contactIds = [...new Set(batch.map((i) => i.contact_id))]
  let rows = await run.inBusiness((tx) => syncRecordsOf(tx, 'customer', contactIds))
  const unsent = contactIds.filter((id) => !rows.get(id)?.remote_id && rows.get(id)?.state !== 'failed')
  if (unsent.length) {
    await pushCustomers(run, unsent)
    rows = await run.inBusiness((tx) => syncRecordsOf(tx, 'customer', contactIds))
  }
  return new Map(contactIds.map((id) => [id, { remote_id: rows.get(id)?.remote_id ?? null, error: rows.get(id)?.error ?? null }]))
}

/** One invoice: created, or updated where QuickBooks has it; its total checked against ours to the cent. */
async function pushInvoice(
  run: SyncRun,
  invoice: PendingInvoice,
  customers: Map<string, { remote_id: string | null; error: string | null }>,
  items: Map<string, string>,
): Promise<void> {
  const customer = customers.get(invoice.contact_id)
  const row = await run.inBusiness((tx) => claimWrite(tx, run.tenantId, 'invoice', invoice.id, run.realmId))
  // Without its customer or an item, the invoice waits (its fingerprint unset, so every sync looks again).
  if (!customer?.remote_id) {
    await run.inBusiness((tx) =>
      markFailed(tx, 'invoice', invoice.id, `Its customer is not in QuickBooks yet${customer?.error ? `: ${customer.error}` : ''}`),
    )
    run.report.invoices.failed++
    return
  }
  const missingItem = invoice.lines.find((l) => l.service_id && !items.has(l.service_id))
  if (missingItem) {
    await run.inBusiness((tx) =>
      markFailed(tx, 'invoice', invoice.id, `The service "${missingItem.description}" could not be made an item in QuickBooks`),
    )
    run.report.invoices.failed++
    return
  }
  const body = invoiceBody(run, invoice, customer.remote_id, items)
  try {
    const saved = invoice.remote_id
      ? await updateInvoice(run, invoice, body, row.request_id)
      : await createInvoice(run, invoice, body, customer.remote_id, row.request_id)
    const theirs = centsOf(saved.TotalAmt)
    const outcome = { remote_id: String(saved.Id), sync_token: String(saved.SyncToken), fingerprint: invoice.fingerprint }
    if (theirs !== Number(invoice.total_cents)) {
      const error =
        `The totals disagree: QuickBooks has ${amountOf(theirs).toFixed(2)}, this invoice ${amountOf(invoice.total_cents).toFixed(2)} ` +
        '(check the tax settings of the company in QuickBooks)'
      await run.inBusiness((tx) => markFailed(tx, 'invoice', invoice.id, error, outcome))
      run.report.invoices.disagreed++
      return
    }
    await run.inBusiness((tx) => markSynced(tx, 'invoice', invoice.id, outcome))
  } catch (err) {
    if (!refusedRecord(err)) throw err
    await run.inBusiness((tx) => markFailed(tx, 'invoice', invoice.id, err.message, { fingerprint: invoice.fingerprint }))
    run.report.invoices.failed++
  }
}

/**
 * Creates the invoice. A "Duplicate Document Number" means QuickBooks has an invoice with our number: when it is this
 * customer's with this total it is ours (made before a crash lost the answer) and is kept; otherwise the refusal stands.
 */
async function createInvoice(run: SyncRun, invoice: PendingInvoice, body: object, customerRemoteId: string, requestId: string) {
  try {
    const created = await run.company.create('Invoice', body, requestId)
    run.report.invoices.created++
    return created
  } catch (err) {
    if (!(refusedRecord(err) && err.code === '6140')) throw err
    const [existing] = await run.company.query('Invoice', `DocNumber = ${quoted(invoice.number)}`)
    if (!existing || String(existing.CustomerRef?.value) !== customerRemoteId || centsOf(existing.TotalAmt) !== Number(invoice.total_cents))
      throw err
    run.report.invoices.matched++
    return existing
  }
}

/** Replaces the invoice's lines and dates in QuickBooks; a stale SyncToken is read again and tried once more. */
async function updateInvoice(run: SyncRun, invoice: PendingInvoice, body: object, requestId: string) {
  const remoteId = invoice.remote_id as string
  let token = invoice.sync_token ?? String((await run.company.read('Invoice', remoteId)).SyncToken)
  for (let attempt = 0; ; attempt++) {
    try {
      const saved = await run.company.update('Invoice', { ...body, Id: remoteId, SyncToken: token, sparse: true }, requestId)
      run.report.invoices.updated++
      return saved
    } catch (err) {
      if (!(refusedRecord(err) && err.code === '5010') || attempt > 0) throw err
      token = String((await run.company.read('Invoice', remoteId)).SyncToken)
      requestId = await run.inBusiness((tx) => renewRequestId(tx, 'invoice', invoice.id))
    }
  }
}

/** The invoice as QuickBooks takes it: our number as DocNumber where the company keeps it, lines, tax and dates. */
function invoiceBody(run: SyncRun, invoice: PendingInvoice, customerRemoteId: string, items: Map<string, string>): object {
  return {
    CustomerRef: { value: customerRemoteId },
    ...(run.connection.doc_numbers_kept ? { DocNumber: invoice.number.slice(0, 21) } : {}),
    TxnDate: invoice.issued_on,
    DueDate: invoice.due_on,
    PrivateNote: `Invoice ${invoice.number} from Service CRM`,
    Line: invoice.lines.map((l) => ({
      DetailType: 'SalesItemLineDetail',
      Amount: amountOf(l.price_cents),
      Description: l.description.slice(0, 4000),
      SalesItemLineDetail: {
        ItemRef: { value: (l.service_id && items.get(l.service_id)) || run.connection.general_item_id },
        Qty: l.quantity,
        UnitPrice: amountOf(l.unit_price_cents),
        TaxCodeRef: { value: l.tax_cents > 0 ? 'TAX' : 'NON' },
      },
    })),
    TxnTaxDetail: { TotalTax: amountOf(invoice.tax_cents) },
  }
}

/** How a refused void begins: such an invoice is not voided again until the owner retries it. */
const VOID_FAILED = 'Voiding it in QuickBooks failed:'

/** Voids in QuickBooks every invoice voided here that QuickBooks holds. */
export async function voidInvoices(run: SyncRun): Promise<void> {
  const voided = (
    await run.inBusiness((tx) =>
      tx.query<{ id: string; remote_id: string; sync_token: string | null }>(
        `select i.id, r.remote_id, r.sync_token from invoices i
         join quickbooks_records r on r.kind = 'invoice' and r.record_id = i.id
         where i.status = 'void' and r.remote_id is not null and not r.voided and r.realm_id = $1
           and (r.state <> 'failed' or r.error not like $2) order by i.id`,
        [run.realmId, `${VOID_FAILED}%`],
      ),
    )
  ).rows
  await eachLimited(voided, SIDE_BY_SIDE, async (invoice) => {
    const row = await run.inBusiness((tx) => claimWrite(tx, run.tenantId, 'invoice', invoice.id, run.realmId))
    let token = invoice.sync_token ?? String((await run.company.read('Invoice', invoice.remote_id)).SyncToken)
    let requestId = row.request_id
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          const saved = await run.company.voidInvoice(invoice.remote_id, token, requestId)
          await run.inBusiness((tx) =>
            markSynced(tx, 'invoice', invoice.id, { voided: true, sync_token: saved?.SyncToken ? String(saved.SyncToken) : null }),
          )
          run.report.invoices.voided++
          return
        } catch (err) {
          if (!(refusedRecord(err) && err.code === '5010') || attempt > 0) throw err
          token = String((await run.company.read('Invoice', invoice.remote_id)).SyncToken)
          requestId = await run.inBusiness((tx) => renewRequestId(tx, 'invoice', invoice.id))
        }
      }
    } catch (err) {
      if (!refusedRecord(err)) throw err
      await run.inBusiness((tx) => markFailed(tx, 'invoice', invoice.id, `${VOID_FAILED} ${err.message}`))
      run.report.invoices.failed++
    }
  })
}
