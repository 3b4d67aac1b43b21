import { quoted, type SyncRun } from './sync-run.js'

/** The name of the item of lines that name no catalog service. */
export const GENERAL_ITEM_NAME = 'Services'

/**
 * What the sync needs to know of a company once: whether it keeps our invoice numbers (its custom transaction numbers
 * preference: without it QuickBooks numbers invoices itself), the income account new items post to, and the item of
 * lines without a catalog service. Kept on the connection, read again after connecting to another company.
 */
export async function companySetup(run: SyncRun): Promise<void> {
  const conn = run.connection
  if (conn.doc_numbers_kept === null) {
    const prefs = await run.company.preferences()
    conn.doc_numbers_kept = prefs?.SalesFormsPrefs?.CustomTxnNumbers === true
  }
  if (!conn.income_account_id) {
    const accounts = await run.company.query<{ Id: string; Name: string }>('Account', "AccountType = 'Income'")
    const chosen = accounts.find((a) => /^services$/i.test(a.Name)) ?? accounts[0]
    if (!chosen) throw new Error('QuickBooks has no income account for the items of invoices: add one in QuickBooks (Chart of accounts)')
    conn.income_account_id = String(chosen.Id)
  }
  if (!conn.general_item_id) {
    const found = await run.company.query<{ Id: string }>('Item', `Name = ${quoted(GENERAL_ITEM_NAME)}`)
    conn.general_item_id = String(
      found[0]?.Id ??
        (
          await run.company.create(
            'Item',
            { Name: GENERAL_ITEM_NAME, Type: 'Service', IncomeAccountRef: { value: conn.income_account_id } },
            `general-item-${run.tenantId}-${run.realmId}`,
          )
        ).Id,
    )
  }
  await run.inBusiness((tx) =>
    tx.query('update quickbooks_connections set doc_numbers_kept = $1, income_account_id = $2, general_item_id = $3', [
      conn.doc_numbers_kept,
      conn.income_account_id,
      conn.general_item_id,
    ]),
  )
}
