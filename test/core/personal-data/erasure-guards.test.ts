import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PERSONAL_DATA } from '../../../core/domains/personal-data.js'
import type { Queryable } from '../../../core/db/types.js'
import type { PersonalTable } from '../../../core/personal-data/declare.js'
import { writePersonalData } from '../../../core/personal-data/write.js'
import { createTenant, type CreatedTenant } from '../../../core/kernel/tenants.js'
import { engines, freshDatabase, type TestDatabase } from '../../helpers/databases.js'

/** The records the database keeps unchanged once closed or settled, each with a guard that lets erasure through. */
const GUARDED = ['tickets', 'ticket_line_items', 'quotes', 'quote_line_items', 'orders'] as const
type Guarded = (typeof GUARDED)[number]

/** The columns of a table the declarations say erasure writes over (its personal columns of rows that stay). */
function declaredPersonal(table: string): string[] {
  const declared = PERSONAL_DATA.find((t) => t.table === table)
  return Object.entries(declared?.columns ?? {})
    .filter(([, c]) => typeof c === 'object')
    .map(([column]) => column)
}

/** A column as the database describes it. */
interface ColumnInfo {
  column_name: string
  udt_name: string
  is_generated: string
  is_identity: string
}

/** SQL for a value of the column's type that differs from the row's own, whatever the row holds (short, so it fits any length). */
function otherValue(c: ColumnInfo): string {
  const col = `"${c.column_name}"`
  const flip = (a: string, b: string, type: string) => `case when ${col} = ${a}::${type} then ${b}::${type} else ${a}::${type} end`
  switch (c.udt_name) {
    case 'text':
    case 'varchar':
    case 'bpchar':
      return flip(`'x'`, `'y'`, 'text')
    case 'int2':
    case 'int4':
    case 'int8':
    case 'numeric':
      return `coalesce(${col}, 0) + 1`
    case 'bool':
      return `not coalesce(${col}, false)`
    case 'uuid':
      return 'gen_random_uuid()'
    case 'timestamptz':
    case 'timestamp':
    case 'date':
      return `coalesce(${col}, now()) + interval '1 day'`
    case 'jsonb':
      return flip(`'{"x": 1}'`, `'{"y": 1}'`, 'jsonb')
    case '_text':
      return flip(`'{x}'`, `'{y}'`, 'text[]')
    case '_uuid':
      return 'array[gen_random_uuid()]'
    default:
      throw new Error(`${c.column_name}: no different value written for type ${c.udt_name}`)
  }
}

describe.each(engines)('closed records change in an erasure only where the declarations of personal data say (%s)', (engine) => {
  let t: TestDatabase
  let tenant: CreatedTenant
  const ids = {} as Record<Guarded, string>
  let contact: string

  beforeAll(async () => {
    t = await freshDatabase(engine)
    tenant = await createTenant(t.db, { name: 'Guarded Windows', owner_email: 'owner@guarded.test' })
    const one = async (sql: string, params: unknown[]) => (await t.admin.query<{ id: string }>(sql, params)).rows[0].id
    const biz = tenant.tenant_id
    contact = await one(`insert into contacts (tenant_id, display_name) values ($1, 'Gus Guarded') returning id`, [biz])
    ids.tickets = await one(
      `insert into tickets (tenant_id, number, contact_id, scheduled_start, scheduled_end, notes, confirmation_note, cancel_reason)
      values ($1, 1, $2, now() - interval '1 day', now() - interval '23 hours', 'Gus said', 'Gus confirmed', 'Gus moved') returning id`,
      [biz, contact],
    )
    ids.ticket_line_items = await one(
      `insert into ticket_line_items (tenant_id, ticket_id, description, unit_price_cents) values ($1, $2, 'Windows', 5000) returning id`,
      [biz, ids.tickets],
    )
    await t.admin.query(`update tickets set status = 'completed', closed_at = now() where id = $1`, [ids.tickets])
    ids.quotes = await one(
      `insert into quotes (tenant_id, number, contact_id, currency, valid_until, notes, customer_note, cancel_reason)
      values ($1, 'Q-1', $2, 'USD', current_date + 30, 'Gus wants', 'Gus answered', 'Gus changed his mind') returning id`,
      [biz, contact],
    )
    ids.quote_line_items = await one(
      `insert into quote_line_items (tenant_id, quote_id, description, unit_price_cents) values ($1, $2, 'Gus''s skylight', 9000) returning id`,
      [biz, ids.quotes],
    )
    ids.orders = await one(
      `insert into orders (tenant_id, number, quote_id, contact_id, currency, subtotal_cents, tax_cents, total_cents, cancel_reason, deposit_reference)
      values ($1, 'O-1', $2, $3, 'USD', 9000, 0, 9000, 'Gus cancelled', 'Gus paid') returning id`,
      [biz, ids.quotes, contact],
    )
    await t.admin.query(`update orders set status = 'cancelled', cancelled_at = now() where id = $1`, [ids.orders])
    await t.admin.query(`update quotes set status = 'declined', answered_at = now() where id = $1`, [ids.quotes])
  })
  afterAll(() => t?.dispose())

  /** Runs fn in a transaction as the owner of the tables (as erase_customer() does), with an erasure of the customer named or not. */
  async function asOwner(erasing: boolean, fn: (tx: Queryable) => Promise<void>): Promise<void> {
    await t.db
      .transaction(async (tx) => {
        await tx.query(`select set_config('app.tenant_id', $1, true)`, [tenant.tenant_id])
        if (erasing) {
          const erasure = await tx.query<{ id: string }>('insert into erasures (tenant_id, contact_id) values ($1, $2) returning id', [
            tenant.tenant_id,
            contact,
          ])
          await tx.query(`select set_config('app.erasure_id', $1, true)`, [erasure.rows[0].id])
        }
        await fn(tx)
        throw new Rollback()
      })
      .catch((err) => {
        if (!(err instanceof Rollback)) throw err
      })
  }
  class Rollback extends Error {}

  /** How an update of the guarded record comes out: 'changed', or the error code it was refused with. */
  async function update(tx: Queryable, table: Guarded, sets: string): Promise<string> {
    await tx.query('savepoint attempt')
    try {
      const r = await tx.query(`update ${table} set ${sets} where id = $1`, [ids[table]])
      await tx.query('release savepoint attempt')
      return r.rowCount === 1 ? 'changed' : 'no row'
    } catch (err) {
      await tx.query('rollback to savepoint attempt')
      return String((err as { code?: string }).code ?? err)
    }
  }

  async function columnsOf(table: Guarded): Promise<ColumnInfo[]> {
    const r = await t.admin.query<ColumnInfo>(
      `select column_name, udt_name, is_generated, is_identity from information_schema.columns
      where table_schema = 'public' and table_name = $1 order by ordinal_position`,
      [table],
    )
    return r.rows
  }

  it('has closed and settled records to guard, each refusing even an update that changes nothing', async () => {
    for (const table of GUARDED) {
      await asOwner(false, async (tx) => {
        expect(await update(tx, table, 'tenant_id = tenant_id'), table).toBe('CR001')
      })
    }
    expect(declaredPersonal('tickets')).toEqual(expect.arrayContaining(['notes', 'custom_fields']))
    expect(declaredPersonal('quote_line_items')).toEqual(['description'])
  })

  it.each(GUARDED)('lets an erasure write over every declared personal column of %s, one by one and all at once', async (table) => {
    const columns = new Map((await columnsOf(table)).map((c) => [c.column_name, c]))
    const personal = declaredPersonal(table)
    const outcomes: Record<string, string> = {}
    await asOwner(true, async (tx) => {
      for (const column of personal) {
        const info = columns.get(column)
        if (!info) throw new Error(`${table}.${column} is declared but is no column`)
        outcomes[column] = await update(tx, table, `"${column}" = ${otherValue(info)}`)
      }
      if (personal.length) {
        const all = personal.map((column) => `"${column}" = ${otherValue(columns.get(column) as ColumnInfo)}`).join(', ')
        outcomes['(all together)'] = await update(tx, table, all)
      }
    })
    expect(outcomes).toEqual(Object.fromEntries([...personal, ...(personal.length ? ['(all together)'] : [])].map((c) => [c, 'changed'])))
  })

  it.each(GUARDED)('refuses, even in an erasure, a change of any other column of %s, and of a personal one outside it', async (table) => {
    const columns = await columnsOf(table)
    const personal = declaredPersonal(table)
    const others = columns.filter(
      (c) => !personal.includes(c.column_name) && c.column_name !== 'updated_at' && c.is_generated !== 'ALWAYS' && c.is_identity !== 'YES',
    )
    expect(others.length).toBeGreaterThan(3)
    const outcomes: Record<string, string> = {}
    await asOwner(true, async (tx) => {
      for (const c of others) outcomes[c.column_name] = await update(tx, table, `"${c.column_name}" = ${otherValue(c)}`)
      // A personal column together with another is refused as a whole.
      if (personal.length) {
        const mixed = columns.find((c) => c.column_name === personal[0]) as ColumnInfo
        outcomes[`${personal[0]} with ${others[0].column_name}`] = await update(
          tx,
          table,
          `"${personal[0]}" = ${otherValue(mixed)}, "${others[0].column_name}" = ${otherValue(others[0])}`,
        )
      }
    })
    await asOwner(false, async (tx) => {
      for (const column of personal) {
        const c = columns.find((x) => x.column_name === column) as ColumnInfo
        outcomes[`${column} outside an erasure`] = await update(tx, table, `"${column}" = ${otherValue(c)}`)
      }
    })
    expect(Object.entries(outcomes).filter(([, outcome]) => outcome !== 'CR001')).toEqual([])
    expect(Object.keys(outcomes).length).toBe(others.length + (personal.length ? 1 + personal.length : 0))
  })

  it('lets an erasure write over a column of a settled quote once it is declared personal, with no change to the guard', async () => {
    const outcomes: string[] = []
    await asOwner(true, async (tx) => {
      await tx.query(`alter table quotes add column gate_code text default 'Gus gate 12'`)
      outcomes.push(await update(tx, 'quotes', 'gate_code = null'))
      const quotes = PERSONAL_DATA.find((d) => d.table === 'quotes') as PersonalTable
      const declared = { ...quotes, columns: { ...quotes.columns, gate_code: { erase: 'null' } } } as PersonalTable
      await writePersonalData(
        tx,
        PERSONAL_DATA.map((d) => (d === quotes ? declared : d)),
      )
      outcomes.push(await update(tx, 'quotes', 'gate_code = null'))
      outcomes.push(await update(tx, 'quotes', `gate_code = null, total_cents = total_cents + 1, subtotal_cents = subtotal_cents + 1`))
    })
    expect(outcomes).toEqual(['CR001', 'changed', 'CR001'])
  })
})
