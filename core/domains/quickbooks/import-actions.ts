import { z } from 'zod'
import { QuickBooksError } from './client/quickbooks.js'
import { AppError } from '../../kernel/errors.js'
import { page } from '../../vocabulary/places.js'
import { defineAction } from '../../kernel/registry.js'
import { importMappedIn } from '../imports/import-mapped.js'
import { dryRunInput, MAPPED_IMPORT_REPORT } from '../imports/model.js'
import { requireQuickBooks } from './availability.js'
import { loadConnection } from './connection.js'
import { planQuickBooksCustomers, QUICKBOOKS_SOURCE, type QuickBooksCustomer } from './import-plan.js'
import { CUSTOMER_ROWS_SQL } from './sync/customers.js'
import { storedTokens } from './tokens.js'

/** Brings the connected QuickBooks company's customers in through the import path: a dry run by default, then the real run. */
export const importQuickBooksCustomers = defineAction({
  key: 'quickbooks.import_customers',
  title: 'Import customers from QuickBooks',
  place: page('/settings/quickbooks', 'import the customers QuickBooks has'),
  words: { phrase: 'import the customers of QuickBooks' },
  description:
    "Import the connected QuickBooks company's active customers, once, when the business starts with QuickBooks. dry_run (default " +
    'true) reports row by row what would be created, matched (by QuickBooks Id, email or phone) and refused, and writes nothing; ' +
    'dry_run false imports: matched customers only get what they lack, each keeps its QuickBooks Id, and running it again creates ' +
    "nothing new. The owner's: an agent's call waits for the owner's approval.",
  access: { agent: 'requires_authorization', technician: 'none' },
  phrases: ['quickbooks', 'import customers', 'intuit', 'accounting', 'move in'],
  input: z.strictObject({
    dry_run: dryRunInput,
  }),
  output: MAPPED_IMPORT_REPORT,
  async run(ctx, input) {
    const { client } = requireQuickBooks(ctx.services)
    const conn = await loadConnection(ctx.db)
    if (conn?.status !== 'connected')
      throw new AppError(
        'CONFLICT',
        `QuickBooks is not connected${conn?.status_reason ? `: ${conn.status_reason}` : ''}: connect it on /settings/quickbooks first`,
      )
    let customers: QuickBooksCustomer[]
    try {
      customers = await client.company(conn.realm_id, storedTokens(ctx.db, ctx.services)).query<QuickBooksCustomer>('Customer')
    } catch (err) {
      if (err instanceof QuickBooksError) throw new AppError('UNAVAILABLE', `QuickBooks could not list its customers: ${err.message}`)
      throw err
    }
    const report = await importMappedIn(ctx, planQuickBooksCustomers(customers), QUICKBOOKS_SOURCE, input.dry_run)
    if (!input.dry_run) {
      // Each imported or matched customer is the QuickBooks customer it came from: the sync updates it rather than making another.
      await ctx.db.query(
        `insert into quickbooks_records (tenant_id, kind, record_id, realm_id, remote_id, state)
         select $1, 'customer', x.contact_id, $2, x.external_id, 'synced' from contact_external_ids x where x.source = $3
         on conflict do nothing`,
        [ctx.tenantId, conn.realm_id, QUICKBOOKS_SOURCE],
      )
      // They hold the same customer now: nothing to send until one changes here.
      await ctx.db.query(
        `update quickbooks_records r set fingerprint = f.fingerprint
         from (${CUSTOMER_ROWS_SQL} where c.id in (select contact_id from contact_external_ids where source = $1)) f
         where r.kind = 'customer' and r.record_id = f.id and r.fingerprint is null`,
        [QUICKBOOKS_SOURCE],
      )
    }
    return report
  },
})
