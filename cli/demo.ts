import { z } from 'zod'
import { loadDemo } from '../core/demo/load-demo.js'
import { businessOf, tenantOption } from './business.js'
import { parseCommandArgs, parseOptions, productServices, withDatabase } from './command.js'

/** `crm demo`: fills an empty business with a realistic window-cleaning customer base and schedule. */
export async function runDemo(argv: string[]): Promise<string> {
  const { values } = parseCommandArgs(argv, { tenant: { type: 'string' }, json: { type: 'boolean' } })
  const { tenant } = parseOptions(z.object({ tenant: tenantOption }), { tenant: values.tenant }, { tenant: '--tenant' })
  const { business, counts } = await withDatabase('demo', async (db) => {
    const business = await businessOf(db, tenant)
    return { business, counts: await loadDemo(await productServices(db), business.id) }
  })
  if (values.json) return JSON.stringify(counts)
  return [
    `Loaded demo data into business "${business.name}" (${business.id}):`,
    `  ${counts.customers} customers with ${counts.addresses} addresses, ${counts.notes} notes and ${counts.attributes} attributes`,
    `  ${counts.services} services and ${counts.technicians} technicians`,
    `  ${counts.tickets} tickets: ${counts.completed_tickets} completed over the past year (${counts.cancelled_tickets} cancelled, ` +
      `${counts.no_show_tickets} no-shows); busiest upcoming day ${counts.busiest_upcoming_day.date} with ${counts.busiest_upcoming_day.tickets}`,
    `  ${counts.invoices} invoices: ${counts.paid_invoices} paid, ${counts.unpaid_invoices} still open`,
    `  ${counts.series} recurring series, ${counts.quotes} quotes, ${counts.leads} leads and ${counts.waitlist_entries} waitlist entries`,
  ].join('\n')
}
