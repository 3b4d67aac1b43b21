import { quickbooksClientOf } from '../availability.js'
import type { Services } from '../../../kernel/context.js'
import { AppError } from '../../../kernel/errors.js'
import { loadConnection } from '../connection.js'
import { companyTokens } from '../tokens.js'
import { companySetup } from './company-setup.js'
import { pushCustomers } from './customers.js'
import { pushInvoices, voidInvoices } from './invoices.js'
import { pullPayments } from './payments-in.js'
import { pushPayments } from './payments-out.js'
import { businessTransactions, emptyReport, type SyncReport, type SyncRun } from './sync-run.js'

/** How long a sync holds its company before another worker may take it; renewed batch by batch. */
export const LEASE_MS = 5 * 60_000

/**
 * One sync of a business's QuickBooks company, in the order QuickBooks needs: customers, then invoices (their items made
 * as needed), voids, payments recorded here, then payments the bookkeeper recorded there. Every write is committed as
 * pending with its requestid before it is sent, so a sync that stops anywhere resumes where it stopped and creates
 * nothing twice. A record QuickBooks refuses is failed with its words and the others go on; trouble that may pass
 * (throttling past the client's retries, 5xx, the network) stops the sync, to be tried again.
 */
export async function syncCompany(services: Services, tenantId: string, holder: string): Promise<SyncReport> {
  const client = quickbooksClientOf(services)
  if (!client) throw new AppError('UNAVAILABLE', 'QuickBooks is off on this server (no QUICKBOOKS_CLIENT_ID and QUICKBOOKS_CLIENT_SECRET)')
  const startedAt = services.now()
  const inBusiness = businessTransactions(services, tenantId, `quickbooks-sync-${startedAt.toISOString()}`)
  const connection = await inBusiness((tx) => loadConnection(tx))
  if (connection?.status !== 'connected') throw new AppError('CONFLICT', 'QuickBooks is not connected')
  const run: SyncRun = {
    services,
    tenantId,
    realmId: connection.realm_id,
    connection,
    company: client.company(connection.realm_id, companyTokens(services, tenantId)),
    report: emptyReport(),
    inBusiness,
    async renewLease() {
      await inBusiness((tx) =>
        tx.query('update quickbooks_connections set lease_until = $1 where lease_holder = $2', [
          new Date(services.now().getTime() + LEASE_MS),
          holder,
        ]),
      )
    },
  }
  await companySetup(run)
  await pushCustomers(run)
  await pushInvoices(run)
  await voidInvoices(run)
  await pushPayments(run)
  await pullPayments(run, startedAt)
  return run.report
}
