import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { KERNEL_TABLES } from '../../core/db/kernel-tables.js'
import { root } from '../helpers/build.js'
import { tablesCreatedIn, tablesNamedIn } from '../helpers/sql-tables.js'
import { TABLE_CROSSINGS } from './table-crossings.js'

const DOMAINS = 'core/domains'

/** The owner core's own tables are declared under. */
const KERNEL = 'kernel'

/** Each domain folder under core/domains. */
function domainFolders(): string[] {
  return readdirSync(join(root, DOMAINS), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
}

/** Every table the database has: those the migrations create and do not drop, and the migrator's own. */
function databaseTables(): string[] {
  const migrations = readdirSync(join(root, 'migrations'))
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => readFileSync(join(root, 'migrations', f), 'utf8'))
  return tablesCreatedIn([...migrations, readFileSync(join(root, 'core/db/migrate.ts'), 'utf8')])
}

/** What each domain's front file says it owns and uses. */
async function declarations(): Promise<Map<string, { tables: readonly string[]; uses: readonly string[] }>> {
  const out = new Map<string, { tables: readonly string[]; uses: readonly string[] }>()
  for (const domain of domainFolders()) {
    const front = (await import(join(root, DOMAINS, domain, 'index.ts'))) as {
      domain: { tables: readonly string[]; uses: readonly string[] }
    }
    out.set(domain, { tables: front.domain.tables, uses: front.domain.uses })
  }
  return out
}

/** Each declared table with every owner that declares it: core's own as `kernel`, a domain's by its folder. */
async function ownersByTable(): Promise<Map<string, string[]>> {
  const owners = new Map<string, string[]>()
  const declare = (table: string, owner: string) => owners.set(table, [...(owners.get(table) ?? []), owner])
  for (const table of KERNEL_TABLES) declare(table, KERNEL)
  for (const [domain, { tables }] of await declarations()) for (const table of tables) declare(table, domain)
  return owners
}

/** Every table a domain's SQL names that neither it, core, nor a domain it uses directly owns: `domain -> table`, with where. */
async function crossings(): Promise<Map<string, string[]>> {
  const owners = await ownersByTable()
  const known = new Set(owners.keys())
  const found = new Map<string, string[]>()
  for (const [domain, { uses }] of await declarations()) {
    const allowed = new Set([KERNEL, domain, ...uses])
    const files = readdirSync(join(root, DOMAINS, domain), { recursive: true, withFileTypes: true }).filter(
      (e) => e.isFile() && e.name.endsWith('.ts'),
    )
    for (const f of files) {
      const file = relative(root, join(f.parentPath, f.name)).split(/[\\/]/).join('/')
      for (const { table, line } of tablesNamedIn(file, readFileSync(join(root, file), 'utf8'), known)) {
        if (allowed.has(owners.get(table)![0]!)) continue
        const key = `${domain} -> ${table}`
        found.set(key, [...(found.get(key) ?? []), `${file}:${line}`])
      }
    }
  }
  return found
}

describe("core/domains: each table has one owner, and a domain's SQL names only its own tables and those of the domains it uses", () => {
  it('every table of the database has exactly one owner, and every declared table exists', async () => {
    const owners = await ownersByTable()
    const tables = databaseTables()
    const unowned = tables.filter((t) => !owners.has(t)).map((t) => `${t}: no owner`)
    const twice = [...owners].filter(([, by]) => by.length > 1).map(([t, by]) => `${t}: owned by ${by.join(' and ')}`)
    const missing = [...owners.keys()].filter((t) => !tables.includes(t)).map((t) => `${t}: declared but not created`)
    expect([...unowned, ...twice, ...missing]).toEqual([])
    console.log(`tables: ${tables.length}`)
  })

  it('names no table outside its own, core and its uses but those listed in table-crossings.ts, and lists none it no longer names', async () => {
    const found = await crossings()
    const unlisted = [...found].filter(([key]) => !(key in TABLE_CROSSINGS)).map(([key, at]) => `${key} (${at.join(', ')})`)
    const stale = Object.keys(TABLE_CROSSINGS).filter((key) => !found.has(key))
    expect({ unlisted, stale }).toEqual({ unlisted: [], stale: [] })
    console.log(`tables read or written outside their owner's domain: ${found.size}`)
  })

  it('finds the tables a statement names, in a string or a template, and not an alias, a column, a function or words outside a statement', () => {
    const source = [
      "const a = 'select c.name from contacts c join tickets t on t.contact_id = c.id where t.id = $1'",
      'const b = `update invoices set status = $1 where id in (select invoice_id from payments p, refunds r)`',
      "const c = 'delete from notes using leads where extract(epoch from n.created_at) > 0 and id in (select id from contacts_matching($1))'",
      "const d = 'the contacts from tickets are kept'",
    ].join('\n')
    const known = new Set(['contacts', 'tickets', 'invoices', 'payments', 'refunds', 'notes', 'leads', 'created_at'])
    expect(tablesNamedIn('sample.ts', source, known).map((n) => `${n.line} ${n.table}${n.writes ? ' writes' : ''}`)).toEqual([
      '1 contacts',
      '1 tickets',
      '2 invoices writes',
      '2 payments',
      '2 refunds',
      '3 notes writes',
      '3 leads',
    ])
  })
})
