import { claimWrite, markFailed, markSynced, renewRequestId, syncRecordsOf } from '../records.js'
import { amountOf, refusedRecord, type SyncRun } from './sync-run.js'

/** A catalog service as an item goes to QuickBooks. */
interface Service {
  id: string
  name: string
  description: string | null
  price_cents: number | null
}

/**
 * The QuickBooks item of each of these catalog services, made when missing (matched by name first). A service QuickBooks
 * refuses is failed with its words and left out of the map: the invoices naming it wait for it.
 */
export async function itemsFor(run: SyncRun, serviceIds: string[]): Promise<Map<string, string>> {
  const ids = [...new Set(serviceIds)]
  const found = new Map<string, string>()
  const rows = await run.inBusiness((tx) => syncRecordsOf(tx, 'item', ids))
  const missing: string[] = []
  for (const id of ids) {
    const row = rows.get(id)
    if (row?.remote_id && row.state === 'synced') found.set(id, row.remote_id)
    else if (row?.state !== 'failed') missing.push(id)
  }
  if (!missing.length) return found
  const services = (
    await run.inBusiness((tx) =>
      tx.query<Service>('select id, name, description, price_cents from services where id = any($1::uuid[]) order by id', [missing]),
    )
  ).rows
  const remote = await run.company.query<{ Id: string; Name: string }>('Item')
  const byName = new Map(remote.map((i) => [i.Name.toLowerCase(), String(i.Id)]))
  const taken = new Set([...rows.values()].map((r) => r.remote_id).filter((v): v is string => !!v))
  for (const service of services) {
    const row = await run.inBusiness((tx) => claimWrite(tx, run.tenantId, 'item', service.id, run.realmId))
    const name = itemName(service.name)
    const match = byName.get(name.toLowerCase())
    try {
      let remoteId: string
      let note: string | null = null
      if (match && !taken.has(match)) {
        remoteId = match
        run.report.items.matched++
      } else {
        let chosen = name
        let requestId = row.request_id
        for (let n = 2; byName.has(chosen.toLowerCase()); n++) chosen = `${name.slice(0, 90)} (${n})`
        const body = {
          Name: chosen,
          Type: 'Service',
          IncomeAccountRef: { value: run.connection.income_account_id },
          ...(service.description ? { Description: service.description.slice(0, 4000) } : {}),
          ...(service.price_cents !== null ? { UnitPrice: amountOf(service.price_cents) } : {}),
        }
        const created = await run.company.create('Item', body, requestId).catch(async (err) => {
          if (!(refusedRecord(err) && err.code === '6240')) throw err
          chosen = `${name.slice(0, 90)} (${byName.size + 2})`
          requestId = await run.inBusiness((tx) => renewRequestId(tx, 'item', service.id))
          return run.company.create('Item', { ...body, Name: chosen }, requestId)
        })
        remoteId = String(created.Id)
        byName.set(chosen.toLowerCase(), remoteId)
        if (chosen !== name) note = `QuickBooks already had an item named "${name}", so this service is "${chosen}" there`
        run.report.items.created++
      }
      taken.add(remoteId)
      await run.inBusiness((tx) => markSynced(tx, 'item', service.id, { remote_id: remoteId, note }))
      found.set(service.id, remoteId)
    } catch (err) {
      if (!refusedRecord(err)) throw err
      await run.inBusiness((tx) => markFailed(tx, 'item', service.id, err.message))
      run.report.items.failed++
    }
  }
  return found
}

/** QuickBooks item names: no colon, at most 100 characters. */
function itemName(name: string): string {
  return name.replace(/:/g, '-').replace(/\s+/g, ' ').trim().slice(0, 100)
}
