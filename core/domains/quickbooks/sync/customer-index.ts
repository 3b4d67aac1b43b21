import type { SyncRun } from './sync-run.js'

/** A QuickBooks customer as the index keeps it. */
export interface RemoteCustomer {
  Id: string
  SyncToken: string
  DisplayName: string
  PrimaryEmailAddr?: { Address?: string }
}

/** The company's customers read once per sync, to match before creating and to pick names QuickBooks will take. */
export interface CustomerIndex {
  /** An unlinked QuickBooks customer with this email, else with this DisplayName. */
  match(email: string | null, displayName: string): RemoteCustomer | null
  /** This QuickBooks customer now belongs to one of ours: it matches no other. */
  claim(remoteId: string): void
  /** A customer just created. */
  add(customer: RemoteCustomer): void
  /** A name QuickBooks refused (a vendor or an employee holds it). */
  reserve(name: string): void
  /** name, or "name (2)", "name (3)"... the first no customer in the index and no refused name holds. */
  freeName(name: string): string
}

/** Reads every QuickBooks customer of the company and the ids already linked to our records. */
export async function customerIndex(run: SyncRun): Promise<CustomerIndex> {
  const remote = await run.company.query<RemoteCustomer>('Customer')
  const linked = new Set(
    (
      await run.inBusiness((tx) =>
        tx.query<{ remote_id: string }>(
          "select remote_id from quickbooks_records where kind = 'customer' and realm_id = $1 and remote_id is not null",
          [run.realmId],
        ),
      )
    ).rows.map((r) => r.remote_id),
  )
  const byEmail = new Map<string, RemoteCustomer>()
  const byName = new Map<string, RemoteCustomer>()
  const names = new Set<string>()
  const add = (c: RemoteCustomer) => {
    const email = c.PrimaryEmailAddr?.Address?.trim().toLowerCase()
    if (email && !byEmail.has(email)) byEmail.set(email, c)
    byName.set(c.DisplayName.toLowerCase(), c)
    names.add(c.DisplayName.toLowerCase())
  }
  for (const c of remote) add(c)
  const free = (c: RemoteCustomer | undefined) => (c && !linked.has(String(c.Id)) ? c : null)
  return {
    match: (email, displayName) => (email ? free(byEmail.get(email.toLowerCase())) : null) ?? free(byName.get(displayName.toLowerCase())),
    claim: (remoteId) => linked.add(remoteId),
    add: (c) => {
      add(c)
      linked.add(String(c.Id))
    },
    reserve: (name) => names.add(name.toLowerCase()),
    freeName(name) {
      if (!names.has(name.toLowerCase())) return name
      for (let n = 2; ; n++) {
        const candidate = `${name.slice(0, 490)} (${n})`
        if (!names.has(candidate.toLowerCase())) return candidate
      }
    },
  }
}
