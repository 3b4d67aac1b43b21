import { z } from 'zod'
import { loadConfig } from '../core/config.js'
import { loadDemo } from '../core/demo/load-demo.js'
import { createServices } from '../api/product.js'
import { parseCommandArgs, parseOptions, withDatabase, type Command } from './command.js'

/** `crm demo`: fills an empty business with a realistic window-cleaning customer base and schedule. */
export const demoCommand: Command = {
  name: 'demo',
  args: '--tenant ID [--json]',
  summary: 'Load demo data (a window-cleaning business: customers, services, technicians, tickets, leads, waitlist) into a business without contacts',
  async run(argv) {
    const { values } = parseCommandArgs(argv, { tenant: { type: 'string' }, json: { type: 'boolean' } }, { required: ['tenant'] })
    const { tenant } = parseOptions(z.object({ tenant: z.uuid() }), { tenant: values.tenant }, { tenant: '--tenant' })
    const counts = await withDatabase('demo', (db) => loadDemo(createServices(loadConfig(), db), tenant))
    if (values.json) return JSON.stringify(counts)
    return [
      `Loaded demo data into business ${tenant}:`,
      `  ${counts.customers} customers with ${counts.addresses} addresses, ${counts.notes} notes and ${counts.attributes} attributes`,
      `  ${counts.services} services and ${counts.technicians} technicians`,
      `  ${counts.tickets} tickets (${counts.cancelled_tickets} cancelled, ${counts.no_show_tickets} no-shows); `
        + `busiest upcoming day ${counts.busiest_upcoming_day.date} with ${counts.busiest_upcoming_day.tickets}`,
      `  ${counts.leads} leads and ${counts.waitlist_entries} waitlist entries`,
    ].join('\n')
  },
}
