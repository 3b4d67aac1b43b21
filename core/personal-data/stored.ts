import type { Column, PersonalTable, StateChange } from './declare.js'

/** A personal column as the database reads it. */
export interface StoredColumn {
  column: string
  /** 'row': the column goes with its row. */
  erase: 'null' | 'empty' | 'scrub' | 'text' | 'text if set' | 'row'
  text: string | null
  /** null: none; 'all': every value; else a JSON path. */
  sought: string | null
  names: string | null
  digits: boolean
  shown_as: string[]
}

/** A table's declaration as the database reads it (table personal_data, migration 0083): plain JSON, no shorthands. */
export interface StoredTable {
  table: string
  reach: Array<{ column: string; to: string }>
  holds: { column: string; table: string; of: string } | null
  mentions: boolean
  delete: boolean
  only_changed: boolean
  /** The personal columns only: every other column stays. */
  columns: StoredColumn[]
  changes: Array<{
    when: Array<{ column: string; in: readonly string[] | null; is_null: boolean; after_erasure: boolean }>
    set: Array<{ column: string; value: string | null; erasure_time: boolean }>
  }>
  counter: { table: string; column: string; key: string } | null
  files: string | null
  shown_as: string | null
}

/**
 * The declarations in the order erasure walks them (each table after the tables it reaches the customer through),
 * checked for what needs no database: a table declared twice, a reach to a table not declared, a way of erasing that
 * does not fit the table, a cycle. A mistake stops start-up with the table's name.
 */
export function storedTables(tables: readonly PersonalTable[]): StoredTable[] {
  const byName = new Map<string, PersonalTable>()
  for (const t of tables) {
    if (byName.has(t.table)) throw new Error(`Personal data: ${t.table} is declared twice`)
    byName.set(t.table, t)
  }
  return ordered(tables.map((t) => storedTable(t, byName)))
}

function storedTable(t: PersonalTable, byName: Map<string, PersonalTable>): StoredTable {
  const problem = (what: string) => new Error(`Personal data of ${t.table}: ${what}`)
  const reach =
    t.reach === 'mentions' ? [] : Object.entries(t.reach).flatMap(([column, to]) => (typeof to === 'string' ? [{ column, to }] : []))
  for (const r of reach) if (!byName.has(r.to)) throw problem(`reaches ${r.to} through ${r.column}, which declares nothing`)
  const held =
    t.reach === 'mentions' ? [] : Object.entries(t.reach).flatMap(([column, to]) => (typeof to === 'string' ? [] : [{ column, ...to }]))
  if (held.length > 1 || (held.length && reach.length))
    throw problem('is reached by the values of one column, or through its foreign keys, not both')
  const holds =
    held.map((h) => {
      const [table, of] = h.holds.split('.')
      const source = byName.get(table)?.columns[of]
      if (!source || typeof source !== 'object') throw problem(`${h.column} holds ${h.holds}, which is not a declared personal column`)
      return { column: h.column, table, of }
    })[0] ?? null
  const deleted = t.rows === 'deleted'
  const columns = Object.entries(t.columns).flatMap(([column, c]) => storedColumn(column, c, deleted, problem))
  const declared = new Set(Object.keys(t.columns))
  const changes = (t.stateChanges ?? []).map((change) => storedChange(change, problem))
  const set = changes.flatMap((change) => change.set.map((s) => s.column))
  for (const [i, column] of set.entries()) {
    if (declared.has(column) && t.columns[column] !== 'not personal') throw problem(`${column} is personal and changes state too`)
    if (set.indexOf(column) !== i) throw problem(`${column} is set by two changes of state`)
  }
  if (deleted && changes.length) throw problem('its rows are deleted, so no state of theirs changes')
  if (t.reach === 'mentions' && !columns.length) throw problem('is reached by what its personal columns mention, but declares none')
  if (!deleted && (t.counter || t.files)) throw problem('a counter or files go with deleted rows only')
  return {
    table: t.table,
    reach,
    holds,
    mentions: t.reach === 'mentions',
    delete: deleted,
    only_changed: t.onlyRowsThatChange === true,
    columns,
    changes,
    counter: t.counter ?? null,
    files: t.files ?? null,
    shown_as: t.shownAs ?? null,
  }
}

function storedColumn(column: string, c: Column, deleted: boolean, problem: (what: string) => Error): StoredColumn[] {
  if (c === 'not personal') return []
  if (c === 'personal') {
    if (!deleted) throw problem(`${column} is 'personal', but its rows stay: say what erasure writes over it`)
    return [{ column, erase: 'row', text: null, sought: 'all', names: null, digits: false, shown_as: [] }]
  }
  if (deleted) throw problem(`${column}: its rows are deleted, so it is simply 'personal'`)
  const e = c.erase
  const [erase, text] =
    typeof e === 'string' ? [e, null] : 'text' in e ? (['text', e.text] as const) : (['text if set', e.textIfSet] as const)
  const sought = c.sought === false ? null : typeof c.sought === 'string' ? c.sought : 'all'
  const names = c.names === undefined ? null : c.names === true ? 'all' : c.names
  return [{ column, erase, text, sought, names, digits: c.digits === true, shown_as: c.shownAs ?? [] }]
}

function storedChange(change: StateChange, problem: (what: string) => Error): StoredTable['changes'][number] {
  const set = Object.entries(change.set).map(([column, value]) => ({
    column,
    value: typeof value === 'object' && value ? null : value,
    erasure_time: typeof value === 'object' && value !== null,
  }))
  if (!set.length) throw problem('a state change sets nothing')
  const when = Object.entries(change.when ?? {}).map(([column, c]) => ({
    column,
    in: Array.isArray(c) ? c : null,
    is_null: c === null,
    after_erasure: c === 'after erasure',
  }))
  return { when, set }
}

/** Tables after those they reach the customer through, otherwise in the order declared. */
function ordered(tables: StoredTable[]): StoredTable[] {
  const out: StoredTable[] = []
  const placed = new Set<string>()
  const needs = (t: StoredTable) => [...t.reach.map((r) => r.to), ...(t.holds ? [t.holds.table] : [])].filter((n) => n !== t.table)
  while (out.length < tables.length) {
    const next = tables.find((t) => !placed.has(t.table) && needs(t).every((n) => placed.has(n)))
    if (!next)
      throw new Error(
        `Personal data: ${tables
          .filter((t) => !placed.has(t.table))
          .map((t) => t.table)
          .join(', ')} reach each other in a circle`,
      )
    out.push(next)
    placed.add(next.table)
  }
  return out
}
