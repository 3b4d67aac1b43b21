import type { Queryable } from '../db/types.js'
import type { PersonalTable } from './declare.js'

/** A column of the schema as the declarations need it. */
interface CatalogColumn {
  table: string
  column: string
  /** Holds text, JSON or a list: such a column must be declared personal or not. */
  textual: boolean
  generated: boolean
}

/**
 * Where the declarations and the migrated schema disagree, in words naming the table and column: a declared table or
 * column that does not exist, a text, JSON or list column of a declared table declared neither personal nor not, and
 * a table that reaches a customer through its foreign keys (to contacts, or to a table that does) with such columns
 * and no declaration. Empty when they agree.
 */
export async function personalDataProblems(db: Queryable, tables: readonly PersonalTable[]): Promise<string[]> {
  const columns = await db.query<CatalogColumn>(`select c.relname as table, a.attname as column, a.attgenerated <> '' as generated,
      (t.typcategory in ('S', 'A') or a.atttypid in ('jsonb'::regtype, 'json'::regtype)) as textual
    from pg_class c join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped join pg_type t on t.oid = a.atttypid
    where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')`)
  const keys = await db.query<{
    child: string
    parent: string
    columns: string[]
  }>(`select c.conrelid::regclass::text as child, c.confrelid::regclass::text as parent,
      array(select a.attname::text from pg_attribute a where a.attrelid = c.conrelid and a.attnum = any(c.conkey) and a.attname <> 'tenant_id') as columns
    from pg_constraint c where c.contype = 'f' and c.connamespace = 'public'::regnamespace`)
  const byTable = new Map<string, Map<string, CatalogColumn>>()
  for (const c of columns.rows) byTable.set(c.table, (byTable.get(c.table) ?? new Map()).set(c.column, c))
  const problems: string[] = []
  const declared = new Map(tables.map((t) => [t.table, t]))
  for (const t of tables) {
    const have = byTable.get(t.table)
    if (!have) {
      problems.push(`${t.table} is declared but there is no such table`)
      continue
    }
    for (const column of namedColumns(t))
      if (!have.has(column)) problems.push(`${t.table}.${column} is declared but there is no such column`)
    for (const c of have.values()) {
      if (c.textual && !c.generated && !(c.column in t.columns) && c.column !== 'tenant_id') {
        problems.push(`${t.table}.${c.column} holds text, JSON or a list and is declared neither personal nor not personal`)
      }
    }
    if (t.reach !== 'mentions') {
      for (const to of Object.values(t.reach)) {
        if (typeof to === 'string' && !byTable.get(to)?.has('id'))
          problems.push(`${t.table} reaches the customer through ${to}, which has no id column`)
      }
    }
  }
  for (const [table, via] of reachingTables(keys.rows)) {
    const textual = [...(byTable.get(table)?.values() ?? [])].filter((c) => c.textual && !c.generated)
    if (!declared.has(table) && textual.length) {
      problems.push(
        `${table} reaches a customer (${via}) and holds ${textual.map((c) => c.column).join(', ')}, but declares nothing: ` +
          'declare its personal data in the domain that owns it',
      )
    }
  }
  return problems
}

/** Every column a declaration names: its columns, the ways it reaches the customer, its changes of state, counter and files. */
function namedColumns(t: PersonalTable): string[] {
  const reach = t.reach === 'mentions' ? [] : Object.keys(t.reach)
  const changes = (t.stateChanges ?? []).flatMap((c) => [...Object.keys(c.when ?? {}), ...Object.keys(c.set)])
  const parts = t.export === null ? [] : Array.isArray(t.export) ? t.export : [t.export]
  return [
    ...Object.keys(t.columns),
    ...reach,
    ...changes,
    ...parts.flatMap((p) => p.through ?? []),
    ...(t.counter ? [t.counter.key] : []),
    ...(t.files ? [t.files] : []),
  ]
}

/** The tables whose rows reach a contact through foreign keys, each with the first key that leads there ("notes.ticket_id → tickets"). */
function reachingTables(keys: Array<{ child: string; parent: string; columns: string[] }>): Map<string, string> {
  const reached = new Map<string, string>([['contacts', 'the customers themselves']])
  for (let grew = true; grew; ) {
    grew = false
    for (const k of keys) {
      if (reached.has(k.parent) && !reached.has(k.child)) {
        reached.set(k.child, `${k.child}.${k.columns.join(', ')} → ${k.parent}`)
        grew = true
      }
    }
  }
  return reached
}
