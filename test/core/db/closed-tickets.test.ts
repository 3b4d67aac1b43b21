import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withTenant } from '../../../core/db/tenant.js'
import { DEFAULT_ROLES } from '../../../core/db/roles.js'
import type { Queryable } from '../../../core/db/types.js'
import { createTenant, type CreatedTenant } from '../../../core/kernel/tenants.js'
import { bothEngines, freshDatabase, type TestDatabase } from '../../helpers/databases.js'
import { snapshotTenant } from '../../helpers/tenant-data.js'

// Both engines: the database layer itself, on each engine.

/** The ids of an open ticket with everything that can hang off a ticket, and of a closed ticket with its work. */
interface Fixture {
  open: string
  closed: string
  openLine: string
  tech: string
}

/** Builds both tickets through the tables (as the connection's own role); the closed one is closed last, as ticket.close does. */
async function tickets(q: Queryable, tenantId: string): Promise<Fixture> {
  const r = await q.query<Fixture>(
    `with c as (insert into contacts (tenant_id, display_name) values ($1, 'Carla') returning id),
     u as (insert into users (tenant_id, email, role) values ($1, 'tech@closed.test', 'technician') returning id),
     o as (insert into tickets (tenant_id, number, contact_id, scheduled_start, scheduled_end)
           select $1, 1, c.id, now() + interval '1 day', now() + interval '1 day 1 hour' from c returning id),
     d as (insert into tickets (tenant_id, number, contact_id, scheduled_start, scheduled_end)
           select $1, 2, c.id, now() - interval '1 day', now() - interval '23 hours' from c returning id),
     ol as (insert into ticket_line_items (tenant_id, ticket_id, description, unit_price_cents) select $1, o.id, 'Gutters', 1000 from o returning id),
     dl as (insert into ticket_line_items (tenant_id, ticket_id, description, unit_price_cents) select $1, d.id, 'Windows', 5000 from d),
     ot as (insert into ticket_technicians (tenant_id, ticket_id, user_id) select $1, o.id, u.id from o, u),
     dt as (insert into ticket_technicians (tenant_id, ticket_id, user_id) select $1, d.id, $2 from d)
     select o.id as open, d.id as closed, ol.id as "openLine", u.id as tech from o, d, ol, u`,
    [tenantId, await ownerOf(q, tenantId)],
  )
  const f = r.rows[0]
  await q.query(`insert into notes (tenant_id, ticket_id, content, author_type) values ($1, $2, 'bring the long ladder', 'system')`, [
    tenantId,
    f.open,
  ])
  await q.query(`insert into closeouts (tenant_id, ticket_id) values ($1, $2)`, [tenantId, f.open])
  await q.query(
    `insert into invoices (tenant_id, number, ticket_id, contact_id, currency, issued_on, due_on)
    select $1, 'INV-9', $2, contact_id, 'USD', current_date, current_date from tickets where id = $2`,
    [tenantId, f.open],
  )
  await q.query(
    `with m as (insert into scheduled_messages (tenant_id, contact_id, kind, subject, body, send_at, ticket_id)
      select $1, contact_id, 'reminder', 's', 'b', now() + interval '1 hour', $2 from tickets where id = $2 returning id)
    insert into response_links (tenant_id, message_id, ticket_id, purpose, token_hash, appointment_start, expires_at)
    select $1, m.id, $2, 'confirm', 'closed-test-hash', now() + interval '1 day', now() + interval '1 day' from m`,
    [tenantId, f.open],
  )
  await q.query(`update tickets set status = 'completed', closed_at = now() where id = $1`, [f.closed])
  return f
}

async function ownerOf(q: Queryable, tenantId: string): Promise<string> {
  return (await q.query<{ id: string }>(`select id from users where tenant_id = $1 and role = 'owner'`, [tenantId])).rows[0].id
}

describe.each(bothEngines)('a closed ticket never changes (%s)', (engine) => {
  let t: TestDatabase
  let tenant: CreatedTenant
  let f: Fixture
  beforeAll(async () => {
    t = await freshDatabase(engine)
    tenant = await createTenant(t.db, { name: 'Closed Windows', owner_email: 'owner@closed.test' })
    f = await tickets(t.admin, tenant.tenant_id)
  })
  afterAll(() => t.dispose())

  const asApp = <T>(fn: (tx: Queryable) => Promise<T>) => withTenant(t.db, { tenantId: tenant.tenant_id, actorType: 'agent' }, fn)
  const closedTicket = async () => {
    const all = await snapshotTenant(t.admin, tenant.tenant_id)
    const mentions = (rows: string[]) => rows.filter((row) => row.includes(f.closed)).sort()
    return {
      tickets: mentions(all.tickets),
      lines: mentions(all.ticket_line_items),
      techs: mentions(all.ticket_technicians),
      audit: all.audit_log,
    }
  }

  it('refuses, as the app role, to move a line item or a technician of an open ticket into the closed one', async () => {
    const before = await closedTicket()
    const moves = [
      ['update ticket_line_items set ticket_id = $1 where id = $2', [f.closed, f.openLine]],
      ['update ticket_technicians set ticket_id = $1 where user_id = $2', [f.closed, f.tech]],
      ['update ticket_line_items set ticket_id = $1', [f.closed]],
    ] as const
    for (const [sql, args] of moves) {
      await expect(
        asApp((tx) => tx.query(sql, [...args])),
        sql,
      ).rejects.toMatchObject({ code: 'IMMUTABLE' })
    }
    expect(await closedTicket()).toEqual(before)
  })

  it('refuses, as the app role, to move a note, close-out, invoice, message or answer link onto or off a closed ticket', async () => {
    const before = await closedTicket()
    for (const table of ['notes', 'closeouts', 'invoices', 'scheduled_messages', 'response_links']) {
      await expect(
        asApp((tx) => tx.query(`update ${table} set ticket_id = $1 where ticket_id = $2`, [f.closed, f.open])),
        table,
      ).rejects.toMatchObject({ code: 'IMMUTABLE' })
    }
    const still = await t.admin.query<{ n: number }>(
      `select (select count(*) from notes where ticket_id = $1)
      + (select count(*) from closeouts where ticket_id = $1) + (select count(*) from invoices where ticket_id = $1)
      + (select count(*) from scheduled_messages where ticket_id = $1) + (select count(*) from response_links where ticket_id = $1) as n`,
      [f.open],
    )
    expect(Number(still.rows[0].n)).toBe(5)
    expect(await closedTicket()).toEqual(before)
  })

  it('still lets records of the open ticket change, and a note be added to the closed one', async () => {
    await asApp((tx) => tx.query(`update ticket_line_items set quantity = 2 where id = $1`, [f.openLine]))
    await asApp((tx) =>
      tx.query(`insert into notes (tenant_id, ticket_id, content, author_type) values ($1, $2, 'paid in cash', 'user')`, [
        tenant.tenant_id,
        f.closed,
      ]),
    )
    const q = await t.admin.query('select quantity from ticket_line_items where id = $1', [f.openLine])
    expect(q.rows).toEqual([{ quantity: 2 }])
  })

  it('refuses TRUNCATE on the ticket tables and the audit log: the app role has no such right, and the owner is refused too', async () => {
    const before = await closedTicket()
    const tables = ['tickets', 'ticket_line_items', 'ticket_technicians', 'audit_log']
    for (const table of tables) {
      await expect(
        asApp((tx) => tx.query(`truncate ${table} cascade`)),
        table,
      ).rejects.toMatchObject({ code: 'FORBIDDEN' })
      await expect(t.admin.query(`truncate ${table} cascade`), `${table} as owner`).rejects.toMatchObject({ code: 'CR001' })
    }
    // Truncating a table the tickets refer to cascades into them, and is refused with them.
    await expect(t.admin.query('truncate contacts cascade')).rejects.toMatchObject({ code: 'CR001' })
    const truncatable = await t.admin.query<{ name: string }>(
      `select c.relname as name from pg_class c
      where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and has_table_privilege($1, c.oid, 'truncate')`,
      [DEFAULT_ROLES.app],
    )
    expect(truncatable.rows).toEqual([])
    expect(await closedTicket()).toEqual(before)
  })
})
