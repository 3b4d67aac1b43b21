import { claimWrite, markFailed, markSynced, renewRequestId } from '../records.js'
import { eachLimited, refusedRecord, SIDE_BY_SIDE, type SyncRun } from './sync-run.js'
import { customerIndex, type CustomerIndex } from './customer-index.js'

/** A customer as it goes to QuickBooks, with its sync row when it has one. */
interface PendingCustomer {
  id: string
  kind: 'person' | 'organization'
  display_name: string
  first_name: string | null
  last_name: string | null
  legal_name: string | null
  email: string | null
  phone: string | null
  line1: string | null
  line2: string | null
  city: string | null
  state: string | null
  postal_code: string | null
  country: string | null
  fingerprint: string
  remote_id: string | null
  sync_token: string | null
}

/** Customers read per batch. */
const BATCH = 200

/** Each contact's fields as they go to QuickBooks, with a digest of them (fingerprint); `c` is the contact. */
export const CUSTOMER_ROWS_SQL = `
  select c.id, c.kind, c.display_name, c.first_name, c.last_name, c.legal_name, c.email, c.phone,
    a.line1, a.line2, a.city, a.state, a.postal_code, a.country,
    md5(concat_ws('|', c.kind, c.display_name, c.first_name, c.last_name, c.legal_name, c.email, c.phone,
      a.line1, a.line2, a.city, a.state, a.postal_code, a.country)) as fingerprint
  from contacts c
  left join lateral (
    select line1, line2, city, state, postal_code, country from addresses a
    where a.contact_id = c.id and a.archived_at is null order by a.created_at, a.id limit 1) a on true`

/**
 * The customers QuickBooks should hold that it does not hold as they are now: every active customer (and anyone with a
 * sent invoice), merged and erased ones left out, whose fingerprint differs from the one last sent or refused. `only`
 * limits it to these contacts (an invoice's customer, sent before the invoice).
 */
const PENDING_CUSTOMERS_SQL = `
  with f as (${CUSTOMER_ROWS_SQL}
    where c.merged_into is null and c.erased_at is null and c.status = 'active' and c.id > $1
      and ($3::uuid[] is null or c.id = any($3::uuid[]))
      and (c.lifecycle in ('customer', 'past_customer')
        or exists (select 1 from invoices i where i.contact_id = c.id and i.status not in ('draft', 'void'))))
  select f.*, r.remote_id, r.sync_token from f
  left join quickbooks_records r on r.kind = 'customer' and r.record_id = f.id
  where r.fingerprint is distinct from f.fingerprint
  order by f.id limit $2`

/** Sends every customer QuickBooks lacks or holds out of date (or only these), matching before it creates. */
export async function pushCustomers(run: SyncRun, only: string[] | null = null): Promise<void> {
  let after = '00000000-0000-0000-0000-000000000000'
  let index: CustomerIndex | null = null
  for (;;) {
    const batch = (await run.inBusiness((tx) => tx.query<PendingCustomer>(PENDING_CUSTOMERS_SQL, [after, BATCH, only]))).rows
    if (!batch.length) return
    after = batch[batch.length - 1].id
    if (!index && batch.some((c) => !c.remote_id)) index = await customerIndex(run)
    const known = index
    await eachLimited(batch, SIDE_BY_SIDE, (customer) => pushCustomer(run, customer, known))
    await run.renewLease()
    if (batch.length < BATCH) return
  }
}

/** One customer: updated where linked, else matched by email then DisplayName, else created under a name QuickBooks takes. */
async function pushCustomer(run: SyncRun, customer: PendingCustomer, index: CustomerIndex | null): Promise<void> {
  const row = await run.inBusiness((tx) => claimWrite(tx, run.tenantId, 'customer', customer.id, run.realmId))
  try {
    if (customer.remote_id) {
      const saved = await updateCustomer(run, customer.remote_id, customer.sync_token, customer, row.request_id)
      await run.inBusiness((tx) => markSynced(tx, 'customer', customer.id, { ...saved, fingerprint: customer.fingerprint }))
      run.report.customers.updated++
      return
    }
    const match = index?.match(customer.email, customer.display_name)
    if (match) {
      index?.claim(match.Id)
      const saved = await updateCustomer(run, match.Id, match.SyncToken, customer, row.request_id)
      await run.inBusiness((tx) => markSynced(tx, 'customer', customer.id, { ...saved, fingerprint: customer.fingerprint }))
      run.report.customers.matched++
      return
    }
    await createCustomer(run, customer, index, row.request_id)
  } catch (err) {
    if (!refusedRecord(err)) throw err
    await run.inBusiness((tx) => markFailed(tx, 'customer', customer.id, err.message, { fingerprint: customer.fingerprint }))
    run.report.customers.failed++
  }
}

/** Creates the customer; a name QuickBooks already has (a vendor's, an employee's) becomes "Name (2)", and the owner is told. */
async function createCustomer(run: SyncRun, customer: PendingCustomer, index: CustomerIndex | null, requestId: string): Promise<void> {
  const base = displayNameOf(customer.display_name)
  let name = index?.freeName(base) ?? base
  for (let attempt = 0; ; attempt++) {
    try {
      const created = await run.company.create('Customer', { ...customerBody(customer), DisplayName: name }, requestId)
      index?.add(created)
      const note = name === base ? null : `QuickBooks already had the name "${base}", so this customer is "${name}" there`
      await run.inBusiness((tx) =>
        markSynced(tx, 'customer', customer.id, {
          remote_id: String(created.Id),
          sync_token: String(created.SyncToken),
          fingerprint: customer.fingerprint,
          note,
        }),
      )
      run.report.customers.created++
      if (note) run.report.customers.renamed++
      return
    } catch (err) {
      if (!(refusedRecord(err) && err.code === '6240') || attempt >= 8) throw err
      index?.reserve(name)
      name = index?.freeName(base) ?? `${base} (${attempt + 2})`
      requestId = await run.inBusiness((tx) => renewRequestId(tx, 'customer', customer.id))
    }
  }
}

/** A sparse update with the SyncToken we hold; a stale one is read again and the update tried once more. */
async function updateCustomer(
  run: SyncRun,
  remoteId: string,
  syncToken: string | null,
  customer: PendingCustomer,
  requestId: string,
): Promise<{ remote_id: string; sync_token: string }> {
  const body = customerBody(customer)
  let token = syncToken ?? String((await run.company.read('Customer', remoteId)).SyncToken)
  for (let attempt = 0; ; attempt++) {
    try {
      const saved = await run.company.update('Customer', { ...body, Id: remoteId, SyncToken: token, sparse: true }, requestId)
      return { remote_id: String(saved.Id), sync_token: String(saved.SyncToken) }
    } catch (err) {
      if (!(refusedRecord(err) && err.code === '5010') || attempt > 0) throw err
      token = String((await run.company.read('Customer', remoteId)).SyncToken)
      requestId = await run.inBusiness((tx) => renewRequestId(tx, 'customer', customer.id))
    }
  }
}

/** QuickBooks refuses a colon in a DisplayName and more than 500 characters. */
export function displayNameOf(name: string): string {
  return name.replace(/:/g, '-').replace(/\s+/g, ' ').trim().slice(0, 500)
}

/** The customer's fields as QuickBooks names them (DisplayName apart: it may change to be unique). */
function customerBody(c: PendingCustomer): Record<string, unknown> {
  const body: Record<string, unknown> = { Active: true }
  if (c.kind === 'organization') body.CompanyName = (c.legal_name ?? c.display_name).slice(0, 100)
  if (c.first_name) body.GivenName = c.first_name.slice(0, 100)
  if (c.last_name) body.FamilyName = c.last_name.slice(0, 100)
  if (c.email) body.PrimaryEmailAddr = { Address: c.email }
  if (c.phone) body.PrimaryPhone = { FreeFormNumber: c.phone.slice(0, 30) }
  if (c.line1)
    body.BillAddr = {
      Line1: c.line1,
      ...(c.line2 ? { Line2: c.line2 } : {}),
      City: c.city,
      CountrySubDivisionCode: c.state,
      PostalCode: c.postal_code,
      Country: c.country,
    }
  return body
}
