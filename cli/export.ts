import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import { csvOfQuery } from '../core/kernel/export-csv.js'
import { businessOf, tenantOption } from './business.js'
import { parseCommandArgs, parseOptions, productServices, UsageError, withDatabase } from './command.js'

/** `crm export TYPE`: every record of a data type as CSV on stdout, e.g. `crm export contacts --tenant ID > customers.csv`. */
export async function runExport(argv: string[]): Promise<string> {
  const { values, positionals } = parseCommandArgs(
    argv,
    { tenant: { type: 'string' }, include: { type: 'string' }, filter: { type: 'string', multiple: true } },
    { positionals: ['TYPE'] },
  )
  const { tenant } = parseOptions(z.object({ tenant: tenantOption }), { tenant: values.tenant }, { tenant: '--tenant' })
  const filters: Record<string, string> = {}
  for (const f of (values.filter as string[] | undefined) ?? []) {
    const eq = f.indexOf('=')
    if (eq < 1) throw new UsageError(`--filter takes name=value, got '${f}'`, '--filter')
    filters[f.slice(0, eq)] = f.slice(eq + 1)
  }
  const include =
    typeof values.include === 'string'
      ? values.include
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : []
  return withDatabase('export', async (db) => {
    const business = await businessOf(db, tenant)
    let csv = ''
    const principal = { tenantId: business.id, actor: { type: 'system' as const, id: null } }
    for await (const piece of csvOfQuery(await productServices(db), principal, { type: positionals[0], include, filters }, randomUUID()))
      csv += piece
    return csv.replace(/\r?\n$/, '')
  })
}
